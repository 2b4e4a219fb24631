import { parseRestartScope, restartEffects } from '@ondemand/core';
import { readBodyText } from '@ondemand/http-body';
import type { Context } from 'hono';
import { graphError } from '../graph-error.js';
import { MAX_BODY_BYTES } from '../request-body.js';
import type { SimulatorContext } from '../simulator-context.js';
import { adminRoles, type Env, type FoundJob } from './graph-access.js';

export type JobAction = 'start' | 'pause' | 'restart' | 'validateCredentials';

/**
 * `POST …/jobs/{id}/start|pause|restart|validateCredentials` as Graph documents them: the same
 * permissions and roles as provisionOnDemand, 204 No Content when done. What Graph answers when
 * validateCredentials finds the credentials wrong is not documented; the simulator answers 400 with
 * the error code the job's quarantine carries for it, and says so here.
 */
export async function jobAction(
  sim: SimulatorContext,
  c: Context<Env>,
  found: FoundJob,
  action: JobAction,
): Promise<Response> {
  const caller = c.get('caller');
  if (caller.kind === 'user' && !caller.roleIds.some((role) => adminRoles[found.job.kind].includes(role)))
    return graphError(
      c,
      403,
      'Authorization_RequestDenied',
      'Insufficient privileges to complete the operation.',
    );
  const body = await readJson(c);
  if (body instanceof Response) return body;
  const health = sim.service.health(found.state);
  switch (action) {
    case 'start':
      health.start();
      break;
    case 'pause':
      health.pause();
      break;
    case 'restart': {
      const text = (body as { criteria?: { resetScope?: unknown } } | undefined)?.criteria?.resetScope;
      if (text !== undefined && text !== null && typeof text !== 'string')
        return graphError(
          c,
          400,
          'BadRequest',
          'criteria.resetScope must be a string of comma-separated flags.',
        );
      const scope = parseRestartScope(text);
      if (!scope.ok)
        return graphError(
          c,
          400,
          'BadRequest',
          `Requested value '${scope.unknown[0]}' was not found in synchronizationJobRestartScope.`,
        );
      health.restart(restartEffects(scope));
      break;
    }
    case 'validateCredentials':
      if (sim.service.steering(found.state).credentialsExpired)
        return graphError(
          c,
          400,
          'SystemForCrossDomainIdentityManagementCredentialValidationUnavailable',
          `The credentials for ${found.sp.displayName} could not be validated: the app refused them. Enter valid admin credentials and test again.`,
        );
      break;
  }
  // The service acts at once on what it was told (a start or restart runs a cycle now).
  sim.service.runDueCycles();
  return c.body(null, 204);
}

async function readJson(c: Context<Env>): Promise<unknown> {
  const text = await readBodyText(c, MAX_BODY_BYTES);
  if (!text.ok)
    return graphError(
      c,
      413,
      'RequestEntityTooLarge',
      `The request body is larger than ${MAX_BODY_BYTES} bytes.`,
    );
  if (text.text.trim() === '') return undefined;
  try {
    return JSON.parse(text.text);
  } catch {
    return graphError(
      c,
      400,
      'BadRequest',
      'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
    );
  }
}
