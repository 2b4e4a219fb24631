import { remedyFor } from '@ondemand/core';
import { describe, expect, it } from 'vitest';

/**
 * Every error code and quarantine reason the simulator writes, against core's remediation catalog: a
 * code Microsoft documents must have its remedy there; a code the simulator makes up (where Graph's
 * behaviour is not documented) is listed here with why, so `explain` and `why` say "Microsoft
 * documents no remedy" for it rather than inventing one. A new code in the simulator fails this
 * test until it is one or the other.
 */
const DOCUMENTED = [
  'RedundantExport',
  'NotEffectivelyEntitled',
  'Timeout',
  'LicenseLimitExceeded',
  'EntryConflict',
  'EncounteredQuarantineException',
  'EncounteredTotalEscrowThreshold',
  'EncounteredEscrowProportionThreshold',
];
const OURS: Record<string, string> = {
  ObjectTypeNotMapped:
    'a group sent with a users-only rule: Graph answers Success and creates nothing (undocumented)',
  MemberNotInGroup: 'a member sent with a group it is not in: Graph’s answer is not documented',
  AttributeValidationFailed: 'a required target attribute without a value: the real code varies by app',
  EscrowThresholdExceeded: 'the error of a job quarantined for escrows: Graph’s own is not documented',
  SourceObjectNotFound:
    'the skip for an object not found in the source: no page the catalog cites gives a remedy for it',
  SystemForCrossDomainIdentityManagementCredentialValidationUnavailable:
    'seen on quarantined SCIM jobs; its remedy is the quarantine reason’s (EncounteredQuarantineException)',
};

describe('the codes the simulator writes', () => {
  it.each(DOCUMENTED)('%s has its documented remedy in the catalog', (code) => {
    expect(remedyFor(code)?.source).toMatch(/^https:\/\/learn\.microsoft\.com\//);
  });

  it('lists every code the engine, the service and the job actions write as documented or ours', async () => {
    const { readFileSync, readdirSync } = await import('node:fs');
    const dir = new URL('./', import.meta.url);
    const sources = [
      ...readdirSync(dir)
        .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))
        .map((name) => new URL(name, dir)),
      new URL('../http/graph/job-actions.ts', import.meta.url),
    ].map((file) => readFileSync(file, 'utf8'));
    const written = new Set(
      sources.flatMap((text) =>
        [...text.matchAll(/(?:errorCode|code): '([A-Z][A-Za-z]+)'|'(Encountered[A-Za-z]+)'/g)].map(
          (match) => match[1] ?? match[2]!,
        ),
      ),
    );
    written.delete('None');
    for (const code of written) expect(DOCUMENTED.includes(code) || code in OURS, code).toBe(true);
    for (const code of Object.keys(OURS)) expect(DOCUMENTED).not.toContain(code);
  });
});
