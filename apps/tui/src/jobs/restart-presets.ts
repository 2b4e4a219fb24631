import {
  DO_NOT_USE_RESTART_FLAGS,
  parseRestartScope,
  RESTART_SCOPE_MEANINGS,
  type RestartScopeFlag,
} from '@ondemand/core';
import { badInput } from '../exit-codes.js';

/**
 * Named restarts, in the words operators use, each a documented `resetScope`. A failure the service
 * keeps in escrow is retried by every cycle on its own: a restart only makes that cycle come now.
 */
export const RESTART_PRESETS = {
  default: {
    scope: undefined,
    says: "the portal's Restart provisioning: lifts a quarantine, forgets kept failures and re-evaluates everyone (about QuarantineState, Watermark and Escrows)",
  },
  'clear-quarantine': {
    scope: 'QuarantineState',
    says: 'lifts the quarantine and runs a cycle now; failures kept in escrow are retried in it',
  },
  'retry-failures': {
    scope: 'QuarantineState',
    says: 'runs a cycle now (lifting a quarantine if there is one) that retries the failures kept in escrow',
  },
  're-evaluate-all': {
    scope: 'Watermark, QuarantineState',
    says: 'evaluates every assigned user and group again, not only what changed: the longest cycle there is',
  },
  'forget-failures': {
    scope: 'Escrows',
    says: 'forgets the failures kept for retry: the service stops retrying them',
  },
} as const;
export type RestartPreset = keyof typeof RESTART_PRESETS;

/** The scope to send for `--preset` or `--reset-scope`, refusing the flags Microsoft says not to use. */
export function restartScopeFor(
  preset: string | undefined,
  resetScope: string | undefined,
): {
  scope: string | undefined;
  says: string;
} {
  if (preset !== undefined && resetScope !== undefined)
    throw badInput('give --preset or --reset-scope, not both');
  if (resetScope === undefined) {
    const name = (preset ?? 'default') as RestartPreset;
    const chosen = RESTART_PRESETS[name];
    if (!chosen)
      throw badInput(`unknown --preset "${preset}": use ${Object.keys(RESTART_PRESETS).join(', ')}`);
    return { scope: chosen.scope, says: chosen.says };
  }
  const parsed = parseRestartScope(resetScope);
  if (!parsed.ok)
    throw badInput(
      `--reset-scope: unknown flag ${parsed.unknown.map((name) => `"${name}"`).join(', ')}: Graph's flags are ${Object.keys(RESTART_SCOPE_MEANINGS).join(', ')}`,
    );
  const refused = parsed.flags.filter((flag) => DO_NOT_USE_RESTART_FLAGS.includes(flag));
  if (refused.length > 0)
    throw badInput(
      `--reset-scope: ${refused.map((flag) => `${flag} ${RESTART_SCOPE_MEANINGS[flag]}`).join('; ')}. ondemand does not send it`,
    );
  if (parsed.empty) return { scope: undefined, says: RESTART_PRESETS.default.says };
  return {
    scope: parsed.flags.join(', '),
    says: parsed.flags.map((flag: RestartScopeFlag) => `${flag}: ${RESTART_SCOPE_MEANINGS[flag]}`).join('; '),
  };
}
