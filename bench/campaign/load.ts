import { randomUUID } from 'node:crypto';
import { groupRequest, userRequest } from '@ondemand/core';
import { documentedIds as ids } from '@ondemand/simulator';
import { Agent, request } from 'undici';
import type { Replica } from './replicas.js';

export type Operation = 'provision' | 'group' | 'read' | 'bad-key';

/** One call as the caller saw it. */
export interface CallRecord {
  operation: Operation;
  replica: string;
  /** 0 when no answer came (the replica died with the call in flight, or the call timed out). */
  status: number;
  requestId: string | undefined;
  retryAfter: string | undefined;
  /** Graph's error code from the body, when the answer was an error. */
  errorCode: string | undefined;
  /** Whether the error body had Graph's shape: `{ error: { code, message } }`. */
  graphShaped: boolean;
  approvalId: string | undefined;
  failure: string | undefined;
  /** The `Idempotency-Key` it was sent with (a retry sends the same one). */
  idempotencyKey?: string;
}

export const paths = {
  provision: `/v1.0/servicePrincipals/${ids.saasServicePrincipal}/synchronization/jobs/${ids.saasJob}/provisionOnDemand`,
  group: `/v1.0/servicePrincipals/${ids.groupServicePrincipal}/synchronization/jobs/${ids.groupJob}/provisionOnDemand`,
  read: `/v1.0/servicePrincipals/${ids.saasServicePrincipal}/synchronization/jobs`,
};

const bodies = {
  provision: JSON.stringify(userRequest({ ruleId: ids.saasRule, userId: ids.saasUser })),
  group: JSON.stringify(
    groupRequest({ ruleId: ids.groupRule, groupId: ids.group, memberIds: [ids.groupMembers[0]] }),
  ),
};

/** Connections for hundreds of callers; one pool per replica URL. */
export const loadAgent = new Agent({ connections: 512, keepAliveTimeout: 10_000, pipelining: 1 });

/** Sends one call; a refused connection (a dead replica) goes to the next replica, as a load balancer would. */
export async function sendCall(
  operation: Operation,
  replicas: Replica[],
  keys: Record<string, string>,
  idempotencyKey?: string,
): Promise<CallRecord> {
  const start = Math.floor(Math.random() * replicas.length);
  let last: CallRecord | undefined;
  for (let offset = 0; offset < replicas.length; offset += 1) {
    const replica = replicas[(start + offset) % replicas.length]!;
    last = await sendTo(operation, replica, keys, idempotencyKey);
    // Refused: nothing reached the replica, so trying another one cannot run anything twice.
    if (last.failure !== 'ECONNREFUSED') return last;
  }
  return last!;
}

async function sendTo(
  operation: Operation,
  replica: Replica,
  keys: Record<string, string>,
  idempotencyKey: string | undefined,
): Promise<CallRecord> {
  const record: CallRecord = {
    operation,
    replica: replica.id,
    status: 0,
    requestId: undefined,
    retryAfter: undefined,
    errorCode: undefined,
    graphShaped: false,
    approvalId: undefined,
    failure: undefined,
    ...(idempotencyKey ? { idempotencyKey } : {}),
  };
  const key = operation === 'bad-key' ? 'odp_not_a_key' : keys.requester!;
  const post = operation === 'provision' || operation === 'group' || operation === 'bad-key';
  try {
    const answer = await request(
      `${replica.url}${operation === 'group' ? paths.group : post ? paths.provision : paths.read}`,
      {
        method: post ? 'POST' : 'GET',
        headers: {
          authorization: `Bearer ${key}`,
          ...(post ? { 'content-type': 'application/json' } : {}),
          ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
        },
        ...(post ? { body: operation === 'group' ? bodies.group : bodies.provision } : {}),
        dispatcher: loadAgent,
        headersTimeout: 60_000,
        bodyTimeout: 60_000,
      },
    );
    record.status = answer.statusCode;
    record.requestId = header(answer.headers['request-id']);
    record.retryAfter = header(answer.headers['retry-after']);
    const json = (await answer.body.json().catch(() => undefined)) as
      | { id?: string; error?: { code?: unknown; message?: unknown } }
      | undefined;
    if (answer.statusCode >= 400) {
      record.errorCode = typeof json?.error?.code === 'string' ? json.error.code : undefined;
      if (answer.statusCode === 503 && typeof json?.error?.message === 'string')
        record.errorCode = `${record.errorCode}: ${refusalReason(json.error.message)}`;
      record.graphShaped = typeof json?.error?.code === 'string' && typeof json.error.message === 'string';
    }
    if (answer.statusCode === 202) record.approvalId = json?.id;
  } catch (error) {
    record.failure = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  }
  return record;
}

/** Which of the proxy's 503s it was (they share Graph's code), for the summary table. */
function refusalReason(message: string): string {
  if (/already waiting for Graph's rate limit/.test(message)) return 'queue full';
  if (/your share of this proxy's queue/.test(message)) return "the caller's queue share";
  if (/audit log cannot be written/.test(message)) return 'audit log unavailable';
  if (/store cannot be reached/.test(message)) return 'store unavailable';
  if (/rate limiter \(Redis\) cannot be reached/.test(message)) return 'Redis unavailable';
  return "Graph's own";
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * `callers` concurrent callers until `until`: mostly provisionOnDemand for a user (allowed), some
 * reads, some groups (held for approval) and some calls with a wrong key. Each caller thinks for a
 * moment between calls, longer after a 503, as a well-behaved client would.
 */
export async function runCallers(options: {
  callers: number;
  until: number;
  replicas: Replica[];
  keys: Record<string, string>;
  records: CallRecord[];
  /** Group requests (each held for approval, then run) left to send: approved runs share the limit. */
  groups: { left: number };
}): Promise<void> {
  const pick = (): Operation => {
    const roll = Math.random();
    if (roll >= 0.9 && roll < 0.95 && options.groups.left > 0) {
      options.groups.left -= 1;
      return 'group';
    }
    return roll < 0.6 ? 'provision' : roll < 0.95 ? 'read' : 'bad-key';
  };
  await Promise.all(
    Array.from({ length: options.callers }, async () => {
      while (Date.now() < options.until) {
        const operation = pick();
        // A third of the provisioning calls carry an Idempotency-Key and are sent again with it after
        // a 503 or a 409, as the Graph SDKs' retry handlers do: the proxy must never run one twice.
        const idempotencyKey = operation === 'provision' && Math.random() < 1 / 3 ? randomUUID() : undefined;
        let record = await sendCall(operation, options.replicas, options.keys, idempotencyKey);
        options.records.push(record);
        for (
          let retry = 0;
          idempotencyKey && retry < 3 && (record.status === 503 || record.status === 409);
          retry++
        ) {
          await new Promise((resolve) =>
            setTimeout(resolve, Math.min(1_000, Number(record.retryAfter ?? 1) * 1000)),
          );
          record = await sendCall(operation, options.replicas, options.keys, idempotencyKey);
          options.records.push(record);
        }
        const pause = record.status === 503 ? 300 + Math.random() * 700 : 50 + Math.random() * 250;
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    }),
  );
}

/** An approver that approves every pending approval it sees, through random replicas. */
export async function runApprover(options: {
  until: () => boolean;
  replicas: Replica[];
  keys: Record<string, string>;
}): Promise<number> {
  let reviews = 0;
  while (!options.until()) {
    const replica = options.replicas[Math.floor(Math.random() * options.replicas.length)]!;
    try {
      const answer = await request(`${replica.url}/approvals?state=pending`, {
        headers: { authorization: `Bearer ${options.keys.approver}` },
        dispatcher: loadAgent,
      });
      const list = (await answer.body.json().catch(() => ({ value: [] }))) as {
        value?: Array<{ id: string }>;
      };
      for (const approval of list.value ?? []) {
        const other = options.replicas[Math.floor(Math.random() * options.replicas.length)]!;
        const review = await request(`${other.url}/approvals/${approval.id}/approve`, {
          method: 'POST',
          headers: { authorization: `Bearer ${options.keys.approver}`, 'content-type': 'application/json' },
          body: JSON.stringify({ reason: 'campaign approver' }),
          dispatcher: loadAgent,
        });
        await review.body.dump();
        if (review.statusCode === 200) reviews += 1;
      }
    } catch {
      // A replica that is down or restarting: the next round goes elsewhere.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return reviews;
}
