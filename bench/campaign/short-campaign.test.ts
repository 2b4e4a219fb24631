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
    expect(failures, formatSummary(summary, failures)).toEqual([]);
    // It measured something: calls went through, approvals ran, faults were served.
    expect(summary.outcomes['200']).toBeGreaterThan(50);
    expect(summary.approvals.completed).toBeGreaterThan(0);
    expect(summary.injectedThrottles).toBeGreaterThan(0);
    expect(summary.auditEntries).toBeGreaterThan(summary.calls);
    expect(summary.graph.processed).toBeGreaterThan(50);
    expect(summary.fuzz.targeted).toBeGreaterThan(0);
  });
});
