import { describe, expect, it } from 'vitest';
import { campaignFailures, runCampaign } from './run-campaign.js';
import { formatSummary } from './summary-table.js';

// The short form of `pnpm campaign`: the same checks, fewer callers and seconds.
describe('the load and fault campaign (short form)', { tags: ['e2e', 'slow'] }, () => {
  it('keeps every promise under load, faults and bad input', { timeout: 150_000 }, async () => {
    const summary = await runCampaign({
      callers: 60,
      loadSeconds: 8,
      faultSeconds: 16,
      fuzzCases: 150,
      approvals: 30,
      timeScale: 20,
    });
    const failures = campaignFailures(summary);
    if (process.env.CAMPAIGN_PRINT) console.log(formatSummary(summary, failures));
    expect(failures, formatSummary(summary, failures)).toEqual([]);
    // It measured something: calls went through, approvals ran, faults were served.
    expect(summary.outcomes['200']).toBeGreaterThan(50);
    expect(summary.approvals.completed).toBeGreaterThan(0);
    expect(summary.injectedThrottles).toBeGreaterThan(0);
    expect(summary.auditEntries).toBeGreaterThan(summary.calls);
    expect(summary.graph.processed).toBeGreaterThan(50);
    expect(summary.fuzz.targeted).toBeGreaterThan(0);
    // The store faults were served at every write point after Graph answered, and keys were retried.
    expect(summary.storeFaults['idempotency answer']).toBe(3);
    expect(summary.storeFaults.outcome).toBe(3);
    expect(summary.storeFaults.review).toBeGreaterThan(0);
    expect(summary.idempotency.retried).toBeGreaterThan(0);
  });
});
