/**
 * The load and fault campaign. Run: `pnpm campaign` (from the root). Starts the simulator (time
 * scaled), three proxy replicas sharing a PostgreSQL and a Redis of their own, hundreds of callers, then faults and a
 * fuzz run; prints a summary table and, as its last line, the summary as one JSON object.
 * CAMPAIGN_CALLERS, CAMPAIGN_LOAD_SECONDS, CAMPAIGN_FAULT_SECONDS, CAMPAIGN_FUZZ_CASES, CAMPAIGN_APPROVALS tune it.
 */
import { campaignFailures, runCampaign } from './run-campaign.js';
import { formatSummary } from './summary-table.js';

const summary = await runCampaign({
  callers: Number(process.env.CAMPAIGN_CALLERS ?? 300),
  loadSeconds: Number(process.env.CAMPAIGN_LOAD_SECONDS ?? 60),
  faultSeconds: Number(process.env.CAMPAIGN_FAULT_SECONDS ?? 60),
  fuzzCases: Number(process.env.CAMPAIGN_FUZZ_CASES ?? 1_000),
  approvals: Number(process.env.CAMPAIGN_APPROVALS ?? 200),
  timeScale: 20,
  log: (line) => console.log(line),
});
const failures = campaignFailures(summary);
console.log(formatSummary(summary, failures));
console.log(
  JSON.stringify({
    calls: summary.calls,
    throttled: summary.throttled,
    maxInWindow: summary.maxInWindow,
    auditEntries: summary.auditEntries,
    chainValid: summary.chainValid,
    lost: summary.lost,
    duplicated: summary.duplicated,
    internalErrors: summary.internalErrors,
    injectedThrottles: summary.injectedThrottles,
    cutOff: summary.cutOff,
    unanswered: summary.unanswered,
    unclearRefusals: summary.unclearRefusals,
    approvals: summary.approvals,
    graph: summary.graph,
    fuzz: {
      cases: summary.fuzz.cases,
      serverErrors: summary.fuzz.serverErrors,
      notGraphShaped: summary.fuzz.notGraphShaped,
      noAnswer: summary.fuzz.noAnswer,
      targeted: summary.fuzz.targeted,
      notRefused: summary.fuzz.notRefused,
      forwarded: summary.fuzz.forwarded,
    },
    outcomes: summary.outcomes,
    seconds: summary.seconds,
    passed: failures.length === 0,
  }),
);
process.exitCode = failures.length === 0 ? 0 : 1;
