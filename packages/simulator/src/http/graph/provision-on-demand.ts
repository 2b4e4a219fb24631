import { validateProvisionRequest } from '@ondemand/core';
import { readBodyText } from '@ondemand/http-body';
import type { Context } from 'hono';
import { ProvisionRequestError } from '../../engine/provision-engine.js';
import { graphError } from '../graph-error.js';
import { MAX_BODY_BYTES } from '../request-body.js';
import type { SimulatorContext } from '../simulator-context.js';
import { adminRoles, type Env, type FoundJob, graphBase, initiatorOf, throttled } from './graph-access.js';

/**
 * provisionOnDemand as Graph answers it: the caller's role for a signed-in user, the app's rate
 * window, the body checked as Graph checks it, then the engine's run and its report.
 */
export async function provisionOnDemand(
  sim: SimulatorContext,
  c: Context<Env>,
  found: FoundJob,
): Promise<Response> {
  const caller = c.get('caller');
  if (caller.kind === 'user') {
    const allowed = adminRoles[found.job.kind];
    if (!caller.roleIds.some((role) => allowed.includes(role))) {
      return graphError(
        c,
        403,
        'Authorization_RequestDenied',
        `Insufficient privileges to complete the operation. The signed-in user needs one of the roles: ${found.job.kind === 'cloudSync' ? 'Hybrid Identity Administrator' : 'Application Administrator, Cloud Application Administrator'}.`,
      );
    }
  }
  const app = found.sp.id;
  const now = Date.now();
  sim.stats.provisionReceived(app, now);
  if (sim.provisionLimit) {
    const attempt = sim.limiterStore.tryAcquire(
      `provision:${app}`,
      sim.provisionLimit.limit,
      sim.provisionLimit.windowMs,
      now,
    );
    if (!attempt.granted) return throttled(c, sim, attempt.retryInMs);
  }
  sim.stats.provisionAccepted(app, now);

  const contentType = c.req.header('content-type') ?? '';
  if (!/^application\/json\b/i.test(contentType)) {
    return graphError(
      c,
      415,
      'UnsupportedMediaType',
      `The content type '${contentType || '(none)'}' is not supported: send the body as application/json.`,
    );
  }
  const text = await readBodyText(c, MAX_BODY_BYTES);
  if (!text.ok) {
    // The rest of the body is never read, so the connection cannot carry another request.
    return graphError(
      c,
      413,
      'RequestEntityTooLarge',
      `The request body is larger than ${MAX_BODY_BYTES} bytes.`,
      { headers: { Connection: 'close' } },
    );
  }
  let body: unknown;
  try {
    body = JSON.parse(text.text);
  } catch {
    return graphError(
      c,
      400,
      'BadRequest',
      'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
    );
  }
  const checked = validateProvisionRequest(body);
  if (!checked.ok) {
    const first = checked.issues[0]!;
    return graphError(c, 400, 'BadRequest', `Invalid request body: ${first.path}: ${first.message}`, {
      details: checked.issues.map((issue) => ({
        code: 'InvalidValue',
        message: issue.message,
        target: issue.path,
      })),
    });
  }
  try {
    const { answer, outcomes } = sim.engine.provision(found.state, checked.value);
    sim.service.recordOnDemand(found.state, outcomes, initiatorOf(sim, caller));
    sim.stats.provisionProcessed(c.req.header('client-request-id'));
    return c.json({
      '@odata.context': `${graphBase(c)}/$metadata#microsoft.graph.stringKeyStringValuePair`,
      ...answer,
    });
  } catch (error) {
    if (error instanceof ProvisionRequestError) return graphError(c, error.status, error.code, error.message);
    throw error;
  }
}
