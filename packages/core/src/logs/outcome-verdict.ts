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

/** The verdict and whether it retries by itself, from a status and the codes that explain it. */
export function verdictOf(outcome: {
  status: OutcomeStatus;
  errorCode?: string | null;
  skipReason?: string | null;
}): { verdict: Verdict; retry: Retry } {
  const codes = [outcome.errorCode, outcome.skipReason].filter((code): code is string => !!code);
  switch (outcome.status) {
    case 'success':
    case 'warning':
      return { verdict: 'applied', retry: 'none' };
    case 'skipped':
      if (codes.some((code) => IN_SYNC.has(code.toLowerCase())))
        return { verdict: 'alreadyInSync', retry: 'none' };
      return { verdict: 'notProvisioned', retry: 'needsAction' };
    case 'failure': {
      // What the documentation says of the first code it knows; a code it does not know needs a look.
      const remedy = codes.map(remedyFor).find((known) => known !== undefined);
      return { verdict: 'failed', retry: remedy?.retry === 'automatic' ? 'automatic' : 'needsAction' };
    }
    default:
      return { verdict: 'unknown', retry: 'needsAction' };
  }
}

/** The verdict of a provisionOnDemand answer (its `key`'s result and details). */
export function onDemandVerdict(decoded: Pick<DecodedProvisionResponse, 'result' | 'details'>): {
  verdict: Verdict;
  retry: Retry;
} {
  return verdictOf({ status: outcomeStatus(decoded.result), errorCode: decoded.details.errorCode ?? null });
}
