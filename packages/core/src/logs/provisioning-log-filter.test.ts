import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { provisioningLogFilter } from './provisioning-log-filter.js';

describe('provisioningLogFilter', () => {
  it('joins the documented clauses with and, times as gt and lt', () => {
    expect(
      provisioningLogFilter({
        sourceId: 'u-1',
        servicePrincipalId: 'sp-1',
        status: 'failure',
        since: new Date('2026-12-07T10:00:00.000Z'),
        until: new Date('2026-12-07T11:00:00.000Z'),
      }),
    ).toBe(
      "sourceIdentity/id eq 'u-1' and servicePrincipal/id eq 'sp-1' and provisioningStatusInfo/status eq 'failure' and activityDateTime gt 2026-12-07T09:59:59.999Z and activityDateTime lt 2026-12-07T11:00:00.000Z",
    );
    expect(provisioningLogFilter({})).toBeUndefined();
  });

  it('quotes every value, so no id can end its literal and add a clause', () => {
    fc.assert(
      fc.property(fc.string(), (id) => {
        const filter = provisioningLogFilter({ jobId: id })!;
        const inner = filter.slice('jobId eq '.length);
        expect(inner.startsWith("'") && inner.endsWith("'")).toBe(true);
        // Inside the literal every quote is doubled: none ends it early.
        expect(inner.slice(1, -1).replaceAll("''", '')).not.toContain("'");
      }),
    );
  });
});
