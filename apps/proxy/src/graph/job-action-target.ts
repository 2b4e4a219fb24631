import {
  API_VERSIONS,
  type ApiVersion,
  JOB_ACTIONS,
  type JobAction,
  type JobActionBody,
  validateJobActionBody,
} from '@ondemand/core';
import { z } from 'zod';
import type { ProxyRequest } from '../app/context.js';
import { invalidInput, ProxyError } from '../http/proxy-error.js';
import { readBodyText, requireJsonContentType } from '../http/request-body.js';
import { canonicalJobIds } from '../policy/canonical-ids.js';

/** A job action as the policy judges it: canonical ids, the action, its body in one spelling. */
export interface JobActionTarget {
  action: JobAction;
  apiVersion: ApiVersion;
  servicePrincipalId: string;
  jobId: string;
  body: JobActionBody;
}

const actionParams = z.object({
  version: z.enum(API_VERSIONS),
  sp: z.string(),
  job: z.string(),
  action: z.enum(JOB_ACTIONS),
});

/**
 * The action's target from its path and body. start and pause take none (Graph's SDKs send none, or
 * `{}`); a body that is there must be JSON. Each problem is a 400 (415 for another content type).
 */
export async function jobActionTarget(c: ProxyRequest, maxBodyBytes: number): Promise<JobActionTarget> {
  const { version, sp, job, action } = actionParams.parse(c.req.param());
  const text = await readBodyText(c, maxBodyBytes);
  let body: unknown;
  if (text.trim() !== '') {
    requireJsonContentType(c);
    try {
      body = JSON.parse(text);
    } catch {
      throw new ProxyError(
        400,
        'BadRequest',
        `Unable to read JSON request payload: ${action} takes a JSON body.`,
      );
    }
  }
  const checked = validateJobActionBody(action, body);
  if (!checked.ok) throw invalidInput(checked.issues);
  const ids = canonicalJobIds({ servicePrincipalId: sp, jobId: job });
  if (!ids.ok) throw invalidInput(ids.issues, 'Invalid request');
  return { action, apiVersion: version, ...ids.value, body: checked.value };
}
