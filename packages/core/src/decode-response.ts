import type { z } from 'zod';
import { formatIssuePath } from './issue-path.js';
import {
  type ProvisioningReport,
  type ProvisioningResult,
  type ProvisionOutcome,
  provisioningReportSchema,
  provisionOutcomeSchema,
} from './provisioning-report.js';

/**
 * Where a provisionOnDemand answer came from, as far as its shape tells:
 * - `documented`: Graph's `stringKeyStringValuePair`, `key` and `value` JSON inside strings (the API reference);
 * - `status-info-list`: `key` names a type (`…SyncFabric.StatusInfo`) and `value` is a JSON list of reports
 *   (cross-tenant synchronization answers this way);
 * - `powershell`: `New-MgServicePrincipalSynchronizationJobOnDemand … | ConvertTo-Json` (`Key`, `Value`);
 * - `parsed`: `key` and `value` were already parsed into objects by whoever saved them.
 */
export type ResponseShape = 'documented' | 'status-info-list' | 'powershell' | 'parsed';

/** A provisionOnDemand answer decoded into types. */
export interface DecodedProvisionResponse {
  /** `Success`, `Skipped`, `Failure`, `Warning`, or a value Graph added since. */
  result: ProvisioningResult;
  /** Why, when the result is not `Success`: `errorCode` and `errorMessage`, plus whatever Graph adds. */
  details: ProvisionOutcome['details'];
  /** The first (usually only) report; `{}` when Graph answered `"value": "{}"`. */
  report: ProvisioningReport;
  /** Every report Graph sent: one per object when it answers with a list. */
  reports: ProvisioningReport[];
  shape: ResponseShape;
}

/** Thrown when an answer cannot be decoded; `path` says where (`value.provisioningSteps[2].status`). */
export class ResponseDecodeError extends Error {
  override readonly name = 'ResponseDecodeError';
  readonly code = 'invalid_response';
  constructor(
    readonly path: string,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`${path}: ${reason}`, options);
  }
}

const severity: Record<string, number> = { Success: 0, Skipped: 1, Warning: 2, Failure: 3 };

/**
 * Decodes Graph's answer to provisionOnDemand (any of the shapes in {@link ResponseShape}) into
 * `{ result, details, report }`. A `Skipped` result is an answer, not an error.
 *
 * @throws {ResponseDecodeError} naming the path of the first value that is not what Graph sends.
 * @example
 * const { result, details, report } = decodeProvisionResponse(await response.json());
 * if (result === 'Skipped') console.log(details.errorCode); // 'RedundantExport'
 */
export function decodeProvisionResponse(body: unknown): DecodedProvisionResponse {
  const pair = findPair(typeof body === 'string' ? parseJson(body, '(the body)') : body);
  const outcomeInput = typeof pair.key === 'string' ? parseKeyText(pair.key) : pair.key;
  const valueInput = typeof pair.value === 'string' ? parseJson(pair.value, pair.valueName) : pair.value;

  const reportInputs = Array.isArray(valueInput) ? valueInput : [valueInput];
  const reports = reportInputs.map((input, index) =>
    check(
      provisioningReportSchema,
      input,
      Array.isArray(valueInput) ? [pair.valueName, index] : [pair.valueName],
    ),
  );
  const report = reports[0] ?? {};

  if (outcomeInput === undefined) {
    // The key only names a type: the outcome is in the reports' own status.
    const worst = reports
      .map((each) => each.statusInfo)
      .reduce<ProvisioningReport['statusInfo']>(
        (current, next) =>
          (severity[next?.status ?? ''] ?? 0) >= (severity[current?.status ?? ''] ?? 0) ? next : current,
        report.statusInfo,
      );
    if (!worst?.status) {
      throw new ResponseDecodeError(
        `${pair.valueName}.statusInfo.status`,
        'the answer carries no outcome: neither "key" nor the report says whether provisioning succeeded',
      );
    }
    const details = { errorCode: worst.errorCode ?? null, errorMessage: worst.reason ?? null };
    return { result: worst.status, details, report, reports, shape: 'status-info-list' };
  }

  const outcome = check(provisionOutcomeSchema, outcomeInput, [pair.keyName]);
  return { result: outcome.result, details: outcome.details, report, reports, shape: pair.shape };
}

/** {@link decodeProvisionResponse} as a result value, for callers that branch rather than catch. */
export function tryDecodeProvisionResponse(
  body: unknown,
): { ok: true; value: DecodedProvisionResponse } | { ok: false; error: ResponseDecodeError } {
  try {
    return { ok: true, value: decodeProvisionResponse(body) };
  } catch (error) {
    if (error instanceof ResponseDecodeError) return { ok: false, error };
    throw error;
  }
}

interface Pair {
  key: unknown;
  value: unknown;
  keyName: string;
  valueName: string;
  shape: ResponseShape;
}

function findPair(body: unknown): Pair {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ResponseDecodeError(
      '(the body)',
      `expected a JSON object with "key" and "value" (Graph's stringKeyStringValuePair), got ${describe(body)}`,
    );
  }
  const record = body as Record<string, unknown>;
  if ('key' in record || 'value' in record) {
    const shape =
      typeof record.key === 'string' && typeof record.value === 'string' ? 'documented' : 'parsed';
    return requirePair(record.key, record.value, 'key', 'value', shape);
  }
  if ('Key' in record || 'Value' in record) {
    return requirePair(record.Key, record.Value, 'Key', 'Value', 'powershell');
  }
  if (typeof record.error === 'object' && record.error !== null) {
    throw new ResponseDecodeError(
      'error',
      'this is a Graph error answer, not a provisioning result: read error.code and error.message',
    );
  }
  throw new ResponseDecodeError(
    '(the body)',
    `expected "key" and "value" (Graph's stringKeyStringValuePair); found ${
      Object.keys(record)
        .slice(0, 5)
        .map((name) => `"${name}"`)
        .join(', ') || 'no properties'
    }`,
  );
}

function requirePair(
  key: unknown,
  value: unknown,
  keyName: string,
  valueName: string,
  shape: ResponseShape,
): Pair {
  if (key === undefined || key === null)
    throw new ResponseDecodeError(keyName, 'is missing: Graph always sends the outcome in it');
  if (value === undefined || value === null)
    throw new ResponseDecodeError(
      valueName,
      'is missing: Graph always sends the report in it ("{}" when empty)',
    );
  const parsedShape = shape === 'documented' && !looksLikeJson(key as string) ? 'status-info-list' : shape;
  return { key, value, keyName, valueName, shape: parsedShape };
}

function parseKeyText(key: string): unknown {
  if (looksLikeJson(key)) return parseJson(key, 'key');
  return undefined;
}

function looksLikeJson(text: string): boolean {
  const first = text.trimStart()[0];
  return first === '{' || first === '[';
}

function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ResponseDecodeError(path, `is not JSON (${(error as Error).message})`, { cause: error });
  }
}

function check<T>(schema: z.ZodType<T>, input: unknown, prefix: PropertyKey[]): T {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const path = [...prefix, ...issue.path];
  const found = valueAt(input, issue.path);
  const reason =
    issue.code === 'invalid_type'
      ? found === undefined
        ? `is missing (expected ${issue.expected})`
        : `is ${describe(found)}, expected ${issue.expected}`
      : issue.message;
  throw new ResponseDecodeError(formatIssuePath(path), reason);
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const segment of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string')
    return `a string (${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)})`;
  return `a ${typeof value} (${String(value)})`;
}
