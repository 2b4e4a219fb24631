import type { CampaignSummary } from './run-campaign.js';

/** The campaign's summary as a table for people; the JSON line after it is for machines. */
export function formatSummary(summary: CampaignSummary, failures: string[]): string {
  const rows: Array<[string, string]> = [
    ['calls', String(summary.calls)],
    ...Object.entries(summary.outcomes)
      .sort(([, a], [, b]) => b - a)
      .map(([outcome, count]): [string, string] => [`  ${outcome}`, String(count)]),
    ['429s Graph answered (over the limit)', String(summary.throttled)],
    ['429s injected as faults', String(summary.injectedThrottles)],
    ['most calls Graph saw in one window', `${summary.maxInWindow} (limit 5)`],
    ['audit entries', String(summary.auditEntries)],
    ['audit chain', summary.chainValid ? 'valid' : 'BROKEN'],
    ['lost (acknowledged but not logged; approved, never run)', String(summary.lost)],
    ['duplicated', String(summary.duplicated)],
    ['HTTP 500 from the proxy', String(summary.internalErrors)],
    ['503 without Retry-After / odd error bodies', String(summary.unclearRefusals)],
    ['cut off by the killed replica', String(summary.cutOff)],
    [
      'calls Graph ran / of them with a forward entry',
      `${summary.graph.processed} / ${summary.graph.processedAndForwarded}`,
    ],
    ['calls Graph ran twice', String(summary.graph.duplicates)],
    [
      'attempts reaching Graph / forward entries (unaudited / never arrived)',
      `${summary.graph.arrived} / ${summary.graph.forwards} (${summary.graph.arrivedUnaudited} / ${summary.graph.forwardedNotArrived})`,
    ],
    ['unanswered by live replicas', String(summary.unanswered)],
    ['approved runs without their review entry', String(summary.approvals.unreviewed)],
    [
      'calls without a key: answered / recorded / counted later',
      `${summary.unauthenticated.answered} / ${summary.unauthenticated.recorded} / ${summary.unauthenticated.counted}`,
    ],
    [
      'Idempotency-Keys sent / retried / run twice by Graph',
      `${summary.idempotency.keys} / ${summary.idempotency.retried} / ${summary.idempotency.ranTwice}`,
    ],
    [
      'store statements failed (idempotency answer / review / outcome)',
      `${summary.storeFaults['idempotency answer']} / ${summary.storeFaults.review} / ${summary.storeFaults.outcome}`,
    ],
    [
      'approvals (completed/failed/interrupted/other)',
      `${summary.approvals.created} (${summary.approvals.completed}/${summary.approvals.failed}/${summary.approvals.interrupted}/${summary.approvals.other})`,
    ],
    [
      'fuzz cases (5xx / not Graph-shaped / no answer)',
      `${summary.fuzz.cases} (${summary.fuzz.serverErrors}/${summary.fuzz.notGraphShaped}/${summary.fuzz.noAnswer})`,
    ],
    [
      'fuzz: odd ids, lone surrogates, mislabelled (not 400 / forwarded)',
      `${summary.fuzz.targeted} (${summary.fuzz.notRefused} / ${summary.fuzz.forwarded})`,
    ],
    ['seconds', String(summary.seconds)],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  return [
    ...rows.map(([name, value]) => `${name.padEnd(width)}  ${value}`),
    failures.length === 0
      ? 'every check passed'
      : `FAILED:\n${failures.map((failure) => `  - ${failure}`).join('\n')}`,
    ...summary.fuzz.examples.map((example) => `  fuzz example: ${example}`),
  ].join('\n');
}
