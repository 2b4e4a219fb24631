import type { DecodedProvisionResponse } from '../decode-response.js';
import { type Retry, remedyFor } from './remediation-catalog.js';
import { type OutcomeStatus, outcomeStatus } from './step-model.js';

/**
 * What came of provisioning one object, the same for an on-demand answer and a log entry:
 * - `applied`: the target was changed to match (a warning included: read it);
 * - `alreadyInSync`: nothing needed writing (`RedundantExport`);
 * - `notProvisioned`: skipped for any other reason (out of scope, not assigned, disabled): never success;
 * - `failed`: the attempt failed;
 * - `unknown`: the input does not say.
 */
export type Verdict = 'applied' | 'alreadyInSync' | 'notProvisioned' | 'failed' | 'unknown';

/** Codes that say the target already matched: the only skips that are not "not provisioned". */
const IN_SYNC = new Set(['redundantexport']);

function inSync(code: string | null | undefined): boolean {
  return !!code && IN_SYNC.has(code.toLowerCase());
}

type VerdictAndRetry = Readonly<{ verdict: Verdict; retry: Retry }>;

// The six answers there are, made once: a decoder asks for one per log entry, thousands a page.
const APPLIED: VerdictAndRetry = Object.freeze({ verdict: 'applied', retry: 'none' });
const IN_SYNC_ANSWER: VerdictAndRetry = Object.freeze({ verdict: 'alreadyInSync', retry: 'none' });
const NOT_PROVISIONED: VerdictAndRetry = Object.freeze({ verdict: 'notProvisioned', retry: 'needsAction' });
const FAILED_RETRIES: VerdictAndRetry = Object.freeze({ verdict: 'failed', retry: 'automatic' });
const FAILED: VerdictAndRetry = Object.freeze({ verdict: 'failed', retry: 'needsAction' });
const UNKNOWN: VerdictAndRetry = Object.freeze({ verdict: 'unknown', retry: 'needsAction' });

/** The verdict and whether it retries by itself, from a status and the codes that explain it. */
export function verdictOf(outcome: {
  status: OutcomeStatus;
  errorCode?: string | null;
  skipReason?: string | null;
}): VerdictAndRetry {
  const { errorCode, skipReason } = outcome;
  switch (outcome.status) {
    case 'success':
    case 'warning':
      return APPLIED;
    case 'skipped':
      return inSync(errorCode) || inSync(skipReason) ? IN_SYNC_ANSWER : NOT_PROVISIONED;
    case 'failure': {
      // What the documentation says of the first code it knows; a code it does not know needs a look.
      const remedy = remedyFor(errorCode) ?? remedyFor(skipReason);
      return remedy?.retry === 'automatic' ? FAILED_RETRIES : FAILED;
    }
    default:
      return UNKNOWN;
  }
}

/** The verdict of a provisionOnDemand answer (its `key`'s result and details). */
export function onDemandVerdict(
  decoded: Pick<DecodedProvisionResponse, 'result' | 'details'>,
): VerdictAndRetry {
  return verdictOf({ status: outcomeStatus(decoded.result), errorCode: decoded.details.errorCode ?? null });
}
