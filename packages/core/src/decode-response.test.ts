import { documentedExample, documentedExamples } from '@ondemand/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeProvisionResponse,
  ResponseDecodeError,
  tryDecodeProvisionResponse,
} from './decode-response.js';

const first = documentedExample(1).response.body;
const second = documentedExample(2).response.body;

function withValue(value: unknown) {
  return { ...first, value: JSON.stringify(value) };
}
function errorOf(run: () => unknown): ResponseDecodeError {
  try {
    run();
  } catch (error) {
    if (error instanceof ResponseDecodeError) return error;
    throw error;
  }
  throw new Error('expected a ResponseDecodeError');
}

describe('decodeProvisionResponse on the documented answers', () => {
  it('decodes the first: skipped as redundant, with Graph field names kept', () => {
    const decoded = decodeProvisionResponse(first);
    expect(decoded.result).toBe('Skipped');
    expect(decoded.details).toEqual({
      errorCode: 'RedundantExport',
      errorMessage: 'The state of the user in both the source and target systems already match.',
    });
    expect(decoded.report.action).toBe('Other');
    expect(decoded.report.provisioningSteps?.map((step) => step.name)).toEqual([
      'EntryImport',
      'EntryImport',
      'EntrySynchronizationScoping',
      'EntrySynchronizationSkip',
    ]);
    expect(decoded.report.targetSystem?.name).toBe('customappsso');
    expect(decoded.shape).toBe('documented');
  });

  it('decodes the second: the large cloud-sync update', () => {
    const decoded = decodeProvisionResponse(second);
    expect(decoded.result).toBe('Success');
    expect(decoded.details).toEqual({});
    expect(decoded.report.action).toBe('Update');
    expect(decoded.report.modifiedProperties).toHaveLength(
      JSON.parse(second.value).modifiedProperties.length,
    );
    expect(decoded.report.provisioningSteps?.[0]?.details?.distinguishedName).toBe(
      'CN=AdeleV,CN=Users,DC=corp,DC=chicago,DC=com',
    );
  });

  it('decodes the third: success with an empty report', () => {
    const decoded = decodeProvisionResponse(documentedExample(3).response.body);
    expect(decoded).toMatchObject({ result: 'Success', details: {}, report: {}, reports: [{}] });
  });

  it('keeps every field of the value, known or not', () => {
    for (const example of documentedExamples()) {
      expect(decodeProvisionResponse(example.response.body).report).toEqual(
        JSON.parse(example.response.body.value),
      );
    }
  });
});

describe('decodeProvisionResponse on the other shapes seen in the wild', () => {
  it('reads PowerShell ConvertTo-Json output (Key, Value)', () => {
    const powershell = {
      Key: first.key,
      Value: first.value,
      AdditionalProperties: { '@odata.context': first['@odata.context'] },
    };
    expect(decodeProvisionResponse(powershell)).toMatchObject({ result: 'Skipped', shape: 'powershell' });
  });

  it('reads a body whose key and value were already parsed', () => {
    const parsed = { key: JSON.parse(first.key), value: JSON.parse(first.value) };
    expect(decodeProvisionResponse(parsed)).toEqual({ ...decodeProvisionResponse(first), shape: 'parsed' });
  });

  it('reads the body as text', () => {
    expect(decodeProvisionResponse(JSON.stringify(first)).result).toBe('Skipped');
  });

  it('reads the cross-tenant shape: a type name as key and a list of reports as value', () => {
    const report = JSON.parse(first.value);
    const failed = {
      ...report,
      statusInfo: {
        status: 'Failure',
        errorCode: 'AzureDirectoryB2BManagementPolicyCheckFailure',
        reason: 'Policy blocks it.',
      },
    };
    const decoded = decodeProvisionResponse({
      key: 'Microsoft.Identity.Health.CPP.Common.DataContracts.SyncFabric.StatusInfo',
      value: JSON.stringify([report, failed]),
    });
    expect(decoded.shape).toBe('status-info-list');
    expect(decoded.result).toBe('Failure');
    expect(decoded.details).toEqual({
      errorCode: 'AzureDirectoryB2BManagementPolicyCheckFailure',
      errorMessage: 'Policy blocks it.',
    });
    expect(decoded.reports).toHaveLength(2);
    expect(decoded.report.statusInfo?.status).toBe('Skipped');
  });

  it('keeps result values and step types Graph adds later', () => {
    const report = JSON.parse(first.value);
    report.provisioningSteps[0].type = 'Provisioning2030';
    report.futureField = { nested: true };
    const decoded = decodeProvisionResponse({
      key: '{"result":"PartialSuccess","details":{"hint":"x"}}',
      value: JSON.stringify(report),
    });
    expect(decoded.result).toBe('PartialSuccess');
    expect(decoded.details).toEqual({ hint: 'x' });
    expect(decoded.report.provisioningSteps?.[0]?.type).toBe('Provisioning2030');
    expect(decoded.report.futureField).toEqual({ nested: true });
  });
});

describe('decodeProvisionResponse on malformed answers', () => {
  it.each<[string, unknown, string, RegExp]>([
    ['key that is not JSON and no status', { key: '{oops', value: '{}' }, 'key', /is not JSON/],
    ['value that is not JSON', { key: first.key, value: '{"action":' }, 'value', /is not JSON/],
    [
      'a step status that is a number',
      (() => {
        const r = JSON.parse(first.value);
        r.provisioningSteps[2].status = 3;
        return withValue(r);
      })(),
      'value.provisioningSteps[2].status',
      /is a number \(3\), expected string/,
    ],
    ['a missing result', { key: '{"details":{}}', value: '{}' }, 'key.result', /is missing/],
    ['a body without key and value', { foo: 1 }, '(the body)', /found "foo"/],
    ['a Graph error body', { error: { code: 'BadRequest', message: 'no' } }, 'error', /Graph error answer/],
    ['a missing value', { key: first.key }, 'value', /is missing/],
    [
      'a list without any status',
      { key: 'Some.Type', value: '[{}]' },
      'value.statusInfo.status',
      /carries no outcome/,
    ],
    ['a number', 42, '(the body)', /got a number/],
  ])('names the path for %s', (_, body, path, reason) => {
    const error = errorOf(() => decodeProvisionResponse(body));
    expect(error.path).toBe(path);
    expect(error.reason).toMatch(reason);
    expect(error.message).toBe(`${path}: ${error.reason}`);
  });

  it('raises only ResponseDecodeError, whatever the input', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue(),
          fc.record({ key: fc.oneof(fc.string(), fc.json()), value: fc.oneof(fc.string(), fc.json()) }),
          fc.record({ key: fc.constant(first.key), value: fc.json() }),
        ),
        (body) => {
          const decoded = tryDecodeProvisionResponse(body);
          if (!decoded.ok) expect(decoded.error).toBeInstanceOf(ResponseDecodeError);
        },
      ),
    );
  });

  it('names the path of any field given the wrong type', () => {
    const report = JSON.parse(first.value);
    const paths: Array<[string, ...Array<string | number>]> = [
      ['action'],
      ['statusInfo', 'status'],
      ['modifiedProperties', 3, 'displayName'],
      ['provisioningSteps', 1, 'name'],
      ['targetIdentity', 'id'],
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...paths),
        fc.oneof(fc.integer(), fc.boolean(), fc.array(fc.string())),
        (path, wrong) => {
          const copy = structuredClone(report);
          let target = copy;
          for (const segment of path.slice(0, -1)) target = target[segment];
          target[path.at(-1)!] = wrong;
          const error = errorOf(() => decodeProvisionResponse(withValue(copy)));
          const expected =
            `value.${path.map((segment) => (typeof segment === 'number' ? `[${segment}]` : segment)).join('.')}`.replaceAll(
              '.[',
              '[',
            );
          expect(error.path).toBe(expected);
        },
      ),
    );
  });
});
