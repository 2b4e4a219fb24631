import { describe, expect, it } from 'vitest';
import { onDemandVerdict, verdictOf } from './outcome-verdict.js';
import { REMEDIATION_CATALOG, remedyFor } from './remediation-catalog.js';

describe('the remediation catalog', () => {
  it('finds a code whole, in any case, and under a vendor prefix by the longest code it ends with', () => {
    expect(remedyFor('EntryConflict')?.code).toBe('EntryConflict');
    expect(remedyFor('entryconflict')?.code).toBe('EntryConflict');
    expect(remedyFor('ContosoEntryConflict')?.code).toBe('EntryConflict');
    expect(remedyFor('SalesforceDuplicateTargetEntries')?.code).toBe('DuplicateTargetEntries');
    expect(remedyFor('SomethingNobodyDocuments')).toBeUndefined();
    expect(remedyFor(null)).toBeUndefined();
  });

  it('cites a Microsoft page for every entry, and says what to do', () => {
    for (const remedy of REMEDIATION_CATALOG) {
      expect(remedy.source).toMatch(/^https:\/\/learn\.microsoft\.com\//);
      expect(remedy.whatToDo.length).toBeGreaterThan(3);
    }
    expect(new Set(REMEDIATION_CATALOG.map((remedy) => remedy.code)).size).toBe(REMEDIATION_CATALOG.length);
  });
});

describe('one verdict for an on-demand answer and a log entry', () => {
  it('never reads a skip as success: only RedundantExport is already in sync', () => {
    expect(onDemandVerdict({ result: 'Skipped', details: { errorCode: 'RedundantExport' } })).toEqual({
      verdict: 'alreadyInSync',
      retry: 'none',
    });
    expect(
      onDemandVerdict({ result: 'Skipped', details: { errorCode: 'NotEffectivelyEntitled' } }).verdict,
    ).toBe('notProvisioned');
    expect(onDemandVerdict({ result: 'Success', details: {} }).verdict).toBe('applied');
    expect(onDemandVerdict({ result: 'Failure', details: { errorCode: 'Timeout' } })).toEqual({
      verdict: 'failed',
      retry: 'automatic',
    });
    expect(onDemandVerdict({ result: 'SomethingNew', details: {} }).verdict).toBe('unknown');
    expect(verdictOf({ status: 'skipped', skipReason: 'RedundantExport' }).verdict).toBe('alreadyInSync');
  });
});
