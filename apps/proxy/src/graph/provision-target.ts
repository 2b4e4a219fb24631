import { API_VERSIONS, type ApiVersion, validateProvisionRequest } from '@ondemand/core';
import { z } from 'zod';
import type { ProxyRequest } from '../app/context.js';
import { invalidInput } from '../http/proxy-error.js';
import { readJsonBody, requireJsonContentType } from '../http/request-body.js';
import { canonicalTarget, type ProvisionTarget } from '../policy/canonical-ids.js';

/** A provisionOnDemand as the policy judges it: canonical ids, the checked body, the API version. */
export type Target = ProvisionTarget & { apiVersion: ApiVersion };

/** The route's parameters (the route only matches these, so this never refuses: it types them). */
const provisionParams = z.object({ version: z.enum(API_VERSIONS), sp: z.string(), job: z.string() });

/**
 * The call's target from its path and body: JSON only, the body checked as Graph checks it, the ids
 * in their canonical spelling. Every problem is a 400 (415 for another content type) naming it.
 */
export async function provisionTarget(c: ProxyRequest, maxBodyBytes: number): Promise<Target> {
  const { version, sp, job } = provisionParams.parse(c.req.param());
  requireJsonContentType(c);
  const checked = validateProvisionRequest(
    await readJsonBody(c, maxBodyBytes, '{ "parameters": [ { "ruleId", "subjects" } ] }'),
  );
  if (!checked.ok) throw invalidInput(checked.issues);
  const canonical = canonicalTarget({ servicePrincipalId: sp, jobId: job, body: checked.value });
  if (!canonical.ok) throw invalidInput(canonical.issues, 'Invalid request');
  return { ...canonical.value, apiVersion: version };
}
