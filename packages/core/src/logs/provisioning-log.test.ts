import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readProvisioningDocument } from './provisioning-document.js';
import { decodeProvisioningLogs, LogDecodeError, logAction } from './provisioning-log.js';
import { outcomeStatus, stepKind } from './step-model.js';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../../../fixtures/logs/${name}`, import.meta.url), 'utf8'));

describe('provisioning-log entries, whatever dialect they are pasted in', () => {
  it("reads Graph's documented failed entry (a page): action, status, the vendor-prefixed code and its advice", () => {
    const [entry] = decodeProvisioningLogs(fixture('v1-page-failure.json'));
    expect(entry).toMatchObject({
      id: 'gc532ff9-r265-ec76-861e-42e2970a8218',
      jobId: 'ContosoOutDelta.7928d5b574424a97ne2d66f9j9972ecn',
      action: 'create',
      status: 'failure',
      errorCode: 'ContosoEntryConflict',
      skipReason: null,
      sourceIdentity: {
        id: '5e6c9rae-ab4d-5239-8ad0-174391d110eb',
        displayName: 'Self-service Pilot',
        identityType: 'Group',
      },
      // Graph's placeholders ("") are absent values.
      targetIdentity: { id: null, displayName: null, identityType: 'Group' },
      verdict: 'failed',
      retry: 'needsAction',
      servicePrincipal: { id: 'chc46a42-966b-47d7-9774-576b1c8bd0b8', displayName: 'Contoso' },
      durationInMilliseconds: 2785,
    });
    expect(entry!.steps.map((step) => [step.type, step.status])).toEqual([
      ['import', 'success'],
      ['matching', 'success'],
      ['export', 'failure'],
    ]);
    expect(entry!.advice?.code).toBe('EntryConflict');
    expect(entry!.modifiedProperties[0]).toEqual({
      name: 'objectId',
      oldValue: null,
      newValue: '5e0c9eae-ad3d-4139-5ad0-174391d110eb',
    });
  });

  it("reads Graph's documented successful entry on its own as applied, with capitalised step types", () => {
    const document = readProvisioningDocument(fixture('v1-entry-success.json'));
    expect(document?.kind).toBe('provisioningLogs');
    const [entry] = (document as { entries: ReturnType<typeof decodeProvisioningLogs> }).entries;
    expect(entry).toMatchObject({ action: 'create', status: 'success', verdict: 'applied', retry: 'none' });
    expect(entry!.steps.map((step) => step.type)).toEqual(['import', 'export']);
  });

  it('reads a beta entry (action, statusInfo) skipped as NotEffectivelyEntitled as not provisioned, never success', () => {
    const [entry] = decodeProvisioningLogs(fixture('beta-entry-skipped.json'));
    expect(entry).toMatchObject({
      action: 'other',
      status: 'skipped',
      errorCode: 'EntrySynchronizationSkipped',
      skipReason: 'NotEffectivelyEntitled',
      verdict: 'notProvisioned',
      retry: 'needsAction',
    });
    // The skip reason's remedy, more precise than the generic skip code's.
    expect(entry!.advice?.code).toBe('NotEffectivelyEntitled');
  });

  it('names an item among entries that is not one, and skips export records of other categories', () => {
    const page = fixture('v1-page-failure.json') as { value: unknown[] };
    expect(() => decodeProvisioningLogs([...page.value, { hello: 'world' }])).toThrow(
      /item 1 is not a provisioning-log entry/,
    );
    const exported = fixture('diagnostic-export.json') as { records: unknown[] };
    const mixed = { records: [{ category: 'AuditLogs', properties: { id: 'x' } }, ...exported.records] };
    expect(decodeProvisioningLogs(mixed)).toHaveLength(1);
  });

  it('reads an export by diagnostic settings: numbers for enums, Id and Name, the duration as text', () => {
    const [entry] = decodeProvisioningLogs(fixture('diagnostic-export.json'));
    expect(entry).toMatchObject({
      action: 'update',
      status: 'failure',
      errorCode: 'Timeout',
      verdict: 'failed',
      // Timeouts are retried by the service itself.
      retry: 'automatic',
      durationInMilliseconds: 1875,
      servicePrincipal: { id: '6cc35b93-185a-4485-a519-50c09549f3ad', displayName: 'Contoso Expenses' },
      sourceIdentity: {
        id: '9f8e7d6c-5b4a-3f2e-1d0c-9b8a7f6e5d4c',
        displayName: 'Adele Vance',
        identityType: 'User',
      },
    });
    expect(entry!.steps.map((step) => `${step.type}:${step.status}`)).toEqual([
      'import:success',
      'scoping:success',
      'export:failure',
    ]);
  });

  it('reads a Log Analytics row, whose nested objects are JSON text, and PowerShell’s Pascal case', () => {
    const row = {
      Id: 'row-1',
      ActivityDateTime: '2024-03-05T09:20:11Z',
      JobId: 'job-1',
      CycleId: 'cycle-1',
      ChangeId: 'change-1',
      ProvisioningAction: 'Create',
      ProvisioningStatusInfo: JSON.stringify({ Status: 'Success' }),
      ProvisioningSteps: JSON.stringify([
        { Name: 'EntryExportAdd', ProvisioningStepType: 'Export', Status: 'Success' },
      ]),
      SourceIdentity: JSON.stringify({ Id: 'u1', Name: 'Adele Vance', IdentityType: 'User' }),
    };
    const [entry] = decodeProvisioningLogs([row]);
    expect(entry).toMatchObject({
      id: 'row-1',
      action: 'create',
      status: 'success',
      verdict: 'applied',
      sourceIdentity: { id: 'u1', displayName: 'Adele Vance', identityType: 'User' },
    });
    expect(entry!.steps[0]).toMatchObject({ name: 'EntryExportAdd', type: 'export', status: 'success' });
  });

  it('says where it looked when the input holds no entry, and reads an empty page as no entries', () => {
    expect(() => decodeProvisioningLogs({ hello: 'world' })).toThrow(LogDecodeError);
    expect(
      readProvisioningDocument({
        '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#auditLogs/provisioning',
        value: [],
      }),
    ).toEqual({ kind: 'provisioningLogs', entries: [] });
  });
});

describe('enums in any case or number, unknown ones kept as unknown', () => {
  const kinds = ['Import', 'Scoping', 'Matching', 'Processing', 'ReferenceResolution', 'Export'];
  const mixedCase = (text: string) =>
    fc
      .array(fc.boolean(), { minLength: text.length, maxLength: text.length })
      .map((flags) => [...text].map((c, i) => (flags[i] ? c.toUpperCase() : c.toLowerCase())).join(''));

  it('reads a step type whatever its case, and its export number, to the same kind', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 0, max: 5 })
          .chain((index) => fc.tuple(fc.constant(index), mixedCase(kinds[index]!))),
        ([index, spelled]) => {
          expect(stepKind(spelled)).toBe(stepKind(index));
          expect(stepKind(String(index))).toBe(stepKind(index));
        },
      ),
    );
  });

  it('never throws on any value, and reads values it does not know as unknown', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        expect([
          'import',
          'scoping',
          'matching',
          'processing',
          'referenceResolution',
          'export',
          'unknown',
        ]).toContain(stepKind(value));
        expect(['success', 'failure', 'skipped', 'warning', 'unknown']).toContain(outcomeStatus(value));
        expect(['create', 'update', 'delete', 'disable', 'stagedDelete', 'other', 'unknown']).toContain(
          logAction(value),
        );
      }),
    );
    expect(stepKind('Provisioning')).toBe('unknown');
    expect(outcomeStatus('Failed')).toBe('failure');
    expect(logAction('StagedDelete')).toBe('stagedDelete');
  });

  it('decodes any JSON to entries or a LogDecodeError, never another throw', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        try {
          decodeProvisioningLogs(value);
        } catch (error) {
          expect(error).toBeInstanceOf(LogDecodeError);
        }
      }),
    );
  });
});

describe('the decoder’s two ways of reading a field agree', () => {
  /** Every key at every depth re-spelled as the loose reader takes it: as written, Pascal case, lower case. */
  function respell(value: unknown, spelling: () => number): unknown {
    if (Array.isArray(value)) return value.map((item) => respell(item, spelling));
    if (typeof value !== 'object' || value === null) return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => {
        const choice = spelling();
        const spelled =
          choice === 0 ? key : choice === 1 ? key.charAt(0).toUpperCase() + key.slice(1) : key.toLowerCase();
        return [spelled, respell(item, spelling)];
      }),
    );
  }
  /** What a decoded entry says, without the steps' details (kept as given, so spelled as given). */
  const said = (entries: ReturnType<typeof decodeProvisioningLogs>) =>
    entries.map(({ steps, ...rest }) => ({ ...rest, steps: steps.map(({ details: _, ...step }) => step) }));

  it('reads an entry re-spelled in any mix of cases as it reads Graph’s own spelling (the fast path is only faster)', () => {
    const documented = [
      ...decodeProvisioningLogsInput('v1-page-failure.json'),
      ...decodeProvisioningLogsInput('v1-entry-success.json'),
    ];
    const expected = said(decodeProvisioningLogs(documented));
    fc.assert(
      fc.property(fc.infiniteStream(fc.integer({ min: 0, max: 2 })), (choices) => {
        const spelling = () => choices.next().value as number;
        expect(said(decodeProvisioningLogs(respell(documented, spelling)))).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });

  function decodeProvisioningLogsInput(name: string): unknown[] {
    const input = fixture(name) as { value?: unknown[] };
    return input.value ?? [input];
  }
});
