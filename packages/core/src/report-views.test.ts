import { documentedExample } from '@ondemand/test-utils';
import { describe, expect, it } from 'vitest';
import { decodeProvisionResponse } from './decode-response.js';
import {
  failedScopingChecks,
  orderedSteps,
  propertiesWritten,
  propertyChanges,
  recommendedAction,
  statusMark,
  summarizeOutcome,
} from './report-views.js';

const skipped = decodeProvisionResponse(documentedExample(1).response.body);
const updated = decodeProvisionResponse(documentedExample(2).response.body);
const empty = decodeProvisionResponse(documentedExample(3).response.body);

describe('report views', () => {
  it('summarizes a skip with its code and reason', () => {
    expect(summarizeOutcome(skipped)).toBe(
      'Skipped: RedundantExport — the state of the user in both the source and target systems already match',
    );
  });

  it('summarizes a success with action, subject and route', () => {
    expect(summarizeOutcome(updated)).toBe(
      'Success: Update of adelev@chicago.com (Active Directory → Azure Active Directory)',
    );
    expect(summarizeOutcome(empty)).toBe('Success');
  });

  it.each([
    [
      'a user not assigned',
      { IsActive: 'True', Assigned: 'False', IsEffectivelyEntitledForProvisioning: 'False' },
      ['Assigned', 'IsEffectivelyEntitledForProvisioning'],
    ],
    [
      'a failed scoping filter',
      { IsInProvisioningScopeDisplayName: 'False', ScopeEvaluationResult: '{}' },
      ['IsInProvisioningScopeDisplayName'],
    ],
    [
      'cloud sync out of scope',
      { 'Active in the source system': 'True', 'Scoping filter evaluation passed': 'false' },
      ['Scoping filter evaluation passed'],
    ],
    [
      'a user in scope',
      { IsActive: 'True', Assigned: 'True', IsEffectivelyEntitledForProvisioning: 'True' },
      [],
    ],
  ])('marks a scoping step that Graph calls Success by its checks: %s', (_, details, failed) => {
    const report = {
      provisioningSteps: [
        { name: 'EntrySynchronizationScoping', type: 'Scoping', status: 'Success', details },
      ],
    };
    expect(failedScopingChecks(report.provisioningSteps[0]!)).toEqual(failed);
    expect(orderedSteps(report)[0]!.mark).toBe(failed.length > 0 ? 'failure' : 'success');
  });

  it('takes a skip’s properties for values compared, and a create’s or update’s for values written', () => {
    expect(propertiesWritten(skipped.report, skipped.result)).toBe(false);
    expect(propertiesWritten(updated.report, updated.result)).toBe(true);
    expect(propertiesWritten({}, 'Skipped')).toBe(false);
  });

  it('lists steps in the order they ran, with marks', () => {
    const steps = orderedSteps(skipped.report);
    expect(steps.map((step) => [step.position, step.type, step.mark])).toEqual([
      [1, 'Import', 'success'],
      [2, 'Matching', 'success'],
      [3, 'Scoping', 'success'],
      [4, 'Export', 'skipped'],
    ]);
    expect(steps[3]?.details).toEqual([['SkipReason', 'RedundantExport']]);
  });

  it('orders by timestamp even when Graph lists steps out of order', () => {
    const report = {
      ...skipped.report,
      provisioningSteps: [...(skipped.report.provisioningSteps ?? [])].reverse(),
    };
    expect(orderedSteps(report).map((step) => step.type)).toEqual([
      'Import',
      'Matching',
      'Scoping',
      'Export',
    ]);
  });

  it('shows modified properties as old → new', () => {
    const changes = propertyChanges({
      modifiedProperties: [
        { displayName: 'displayName', oldValue: 'Fill Bob', newValue: 'Bill Bob' },
        { displayName: 'mail', oldValue: null, newValue: 'b@x' },
        { displayName: 'phone', oldValue: '1', newValue: null },
        { displayName: 'same', oldValue: 'a', newValue: 'a' },
      ],
    });
    expect(changes.map((change) => change.change)).toEqual(['changed', 'added', 'removed', 'unchanged']);
    expect(propertyChanges(updated.report)[0]).toEqual({
      name: 'AccountEnabled',
      oldValue: null,
      newValue: 'True',
      change: 'added',
    });
  });

  it('finds the recommended action of a failure', () => {
    const failed = {
      ...skipped,
      result: 'Failure',
      details: {},
      reports: [{ statusInfo: { status: 'Failure', recommendedAction: 'Assign the user to the app.' } }],
    };
    expect(recommendedAction(failed)).toBe('Assign the user to the app.');
    expect(recommendedAction(skipped)).toBeUndefined();
  });

  it.each([
    ['Success', 'success'],
    ['failure', 'failure'],
    ['Skipped', 'skipped'],
    ['Warning', 'warning'],
    ['Escrowed', 'unknown'],
    [null, 'unknown'],
  ] as const)('marks %s as %s', (status, mark) => {
    expect(statusMark(status)).toBe(mark);
  });
});
