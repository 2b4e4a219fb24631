import { subjectRequest } from '@ondemand/core';
import { type GraphClient, TransportError } from '@ondemand/transport';
import type { BulkRow } from './bulk-rows.js';
import type { ResultsJournal } from './results-journal.js';

/**
 * One row provisioned, with its lines in the results file: a `sending` mark before each attempt
 * (a run stopped then knows what was in flight), then the answer or the failure. Resolves to the
 * outcome counted (`Success`, …, or `error`), or `not sent` when it was cancelled before it left.
 * A sign-in or configuration failure is thrown: no other row would do better.
 */
export async function provisionRow(
  graph: GraphClient,
  target: { sp: string; job: string; ruleId: string },
  row: BulkRow,
  journal: ResultsJournal,
  signal: AbortSignal,
): Promise<string> {
  const base = {
    line: row.line,
    objectId: row.objectId,
    objectTypeName: row.objectTypeName,
    at: new Date().toISOString(),
  };
  try {
    const body = subjectRequest({
      ruleId: target.ruleId,
      objectId: row.objectId,
      objectTypeName: row.objectTypeName,
      memberIds: row.members,
    });
    const result = await graph.provisionOnDemand(target.sp, target.job, body, {
      signal,
      beforeAttempt: () => journal.record({ ...base, sending: true, at: new Date().toISOString() }),
    });
    await journal.record({
      ...base,
      // When the answer came: after the attempt's own `sending` mark.
      at: new Date().toISOString(),
      result: result.result,
      errorCode: result.details.errorCode ?? null,
      action: result.report.action ?? null,
      requestId: result.requestId,
      details: result.details,
      report: result.report,
    });
    return result.result;
  } catch (error) {
    if (!(error instanceof TransportError) || error.code === 'config' || error.code === 'auth') throw error;
    // Cancelled before it was sent: nothing ran, and the next run sends it.
    if (error.code === 'aborted') return 'not sent';
    await journal.record({
      ...base,
      at: new Date().toISOString(),
      error: error.message,
      errorCode: error.details.graphCode ?? error.code,
      requestId: error.requestId,
    });
    return 'error';
  }
}
