import {
  type DecodedProvisionResponse,
  decodeProvisionResponse,
  provisioningReportSchema,
  provisionOutcomeSchema,
  ResponseDecodeError,
} from '@ondemand/core';
import { z } from 'zod';

/** What `provision --json`, `explain --json` and a line of a bulk results file hold: an answer already decoded. */
const decodedOutputSchema = provisionOutcomeSchema.extend({
  report: provisioningReportSchema,
  reports: z.array(provisioningReportSchema).optional(),
});

/**
 * Decodes what `explain` is given: Graph's answer in any shape core decodes, or one of ondemand's
 * own files, so whatever ondemand writes, it reads back: the UI's saved result (`{ target, response }`)
 * and the decoded output of `provision --json`, `explain --json` and `bulk`'s results lines.
 */
export function decodeAnswer(body: unknown): DecodedProvisionResponse {
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    const record = body as Record<string, unknown>;
    // The UI's `s` file: Graph's body under `response`.
    if ('response' in record && ('target' in record || 'clientRequestId' in record))
      return decodeProvisionResponse(record.response);
    if (typeof record.result === 'string' && typeof record.report === 'object' && !('key' in record)) {
      const parsed = decodedOutputSchema.safeParse(record);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new ResponseDecodeError(issue.path.join('.') || '(the body)', issue.message);
      }
      const { result, details, report, reports } = parsed.data;
      return { result, details, report, reports: reports ?? [report], shape: 'parsed' };
    }
  }
  return decodeProvisionResponse(body);
}
