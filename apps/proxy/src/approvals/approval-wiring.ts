import { describeJobAction } from '@ondemand/core';
import type { AuditLog } from '../audit/audit-log.js';
import type { AuditStore } from '../audit/audit-store.js';
import type { GraphForwarder } from '../forward/graph-forwarder.js';
import { describeSubjects } from '../policy/subjects.js';
import type { ApprovalRecord } from './approval.js';
import type { AuditWriter, EntryFor, Executor } from './approved-runs.js';

/** Runs an approved request through the proxy's one path to Graph, as any allowed call goes. */
export function runThrough(forwarder: GraphForwarder): Executor {
  return async (record, beforeFirstAttempt) => {
    const body = JSON.parse(record.body);
    const forwarded = await forwarder.forward({
      who: { principal: record.requester, requestId: record.id },
      apiVersion: record.apiVersion,
      servicePrincipalId: record.servicePrincipalId,
      jobId: record.jobId,
      subject: record.action ? describeJobAction(record.action, body) : describeSubjects(body),
      body,
      ...(record.action ? { action: record.action } : {}),
      approval: record.id,
      beforeFirstAttempt,
    });
    if (forwarded.sent !== 'yes') return { sent: forwarded.sent };
    return { sent: 'yes', answer: forwarded.answer, graphRequestId: forwarded.graphRequestId };
  };
}

/** An approval's own entry (review, expired, interrupted, withdrawn), under the approval's id. */
export function approvalEntry(audit: AuditLog): EntryFor {
  return (action, record, detail) =>
    audit.entry(
      action,
      { principal: typeof detail.reviewer === 'string' ? detail.reviewer : null, requestId: record.id },
      {
        servicePrincipalId: record.servicePrincipalId,
        jobId: record.jobId,
        detail: { approval: record.id, ...detail },
      },
    );
}

/** The same entry written on its own. */
export function approvalEntries(audit: AuditLog): AuditWriter {
  const entry = approvalEntry(audit);
  return async (action, record, detail) => {
    await audit.append([entry(action, record, detail)]);
  };
}

/** Who has a `review` entry in the audit log for this approval. */
export function auditedReviewersIn(
  store: Pick<AuditStore, 'queryAudit'>,
): (record: ApprovalRecord) => Promise<string[]> {
  return async (record) =>
    (await store.queryAudit({ action: 'review', requestId: record.id, limit: 1_000 })).flatMap((entry) =>
      entry.principal ? [entry.principal] : [],
    );
}
