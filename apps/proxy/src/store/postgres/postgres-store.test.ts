import { randomBytes } from 'node:crypto';
import { type AuditFields, toEntry, verifyChain } from '@ondemand/audit-log';
import { freePort, testPostgresUrl, until } from '@ondemand/test-utils';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { approvalRequest, graphAnswer } from '../../../test/approval-requests.js';
import { ApprovalService } from '../../approvals/approval-service.js';
import type { Role } from '../../auth/roles.js';
import { PostgresStore } from './postgres-store.js';

const schemas: string[] = [];
const stores: PostgresStore[] = [];
afterAll(async () => {
  await Promise.all(stores.map((store) => store.close().catch(() => {})));
  for (const schema of schemas) await PostgresStore.dropSchema(testPostgresUrl, schema);
});

function newSchema(): string {
  const schema = `test_${randomBytes(6).toString('hex')}`;
  schemas.push(schema);
  return schema;
}

async function open(schema: string) {
  const store = await PostgresStore.open({ url: testPostgresUrl, schema });
  stores.push(store);
  return store;
}

function fields(replica: number, index: number): AuditFields {
  return {
    at: new Date().toISOString(),
    action: 'request',
    principal: `replica-${replica}`,
    requestId: `r${replica}-${index}`,
    graphRequestId: null,
    servicePrincipalId: 'sp',
    jobId: 'job',
    subject: `User u${index}`,
    detail: { replica, index, nested: { z: 1, a: [1, 'two'] } },
  };
}

async function verdictOf(store: PostgresStore) {
  const chain = await store.openChain();
  try {
    return await verifyChain(chain);
  } finally {
    await chain.close();
  }
}

async function entriesOf(store: PostgresStore) {
  const chain = await store.openChain();
  const rows = [];
  for await (const batch of chain.rows()) rows.push(...batch);
  await chain.close();
  return rows;
}

async function query(schema: string, sql: string) {
  const client = new pg.Client({ connectionString: testPostgresUrl, options: `-c search_path=${schema}` });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

describe('PostgresStore against the machine’s PostgreSQL', () => {
  it('migrates once when replicas start together, and again at every start without harm', async () => {
    const schema = newSchema();
    await Promise.all([open(schema), open(schema), open(schema)]);
    await open(schema);
    const { rows } = await query(schema, 'SELECT version FROM migrations ORDER BY version');
    expect(rows.map((row) => row.version)).toEqual([1, 2, 3, 4, 5]);
  });

  it('keeps one unbroken chain when three replicas append at once', async () => {
    const schema = newSchema();
    const replicas = await Promise.all([open(schema), open(schema), open(schema)]);
    await Promise.all(
      replicas.flatMap((store, replica) =>
        Array.from({ length: 40 }, (_, index) =>
          store.appendAudit(
            index % 3 === 0
              ? [fields(replica, index), fields(replica, index + 100)]
              : [fields(replica, index)],
          ),
        ),
      ),
    );
    const entries = await entriesOf(replicas[0]!);
    const expected = 3 * (40 + 14);
    expect(entries).toHaveLength(expected);
    expect(await verdictOf(replicas[0]!)).toMatchObject({ valid: true, entries: expected });
    // Entries given together stay together and in order: one transaction each.
    const requestIds = entries.map((row) => toEntry(row).requestId);
    const first = requestIds.indexOf('r1-0');
    expect(requestIds[first + 1]).toBe('r1-100');
  });

  it.each<[string, string, number, string]>([
    [
      'a changed entry',
      `UPDATE audit SET entry = replace(entry, '"index":3', '"index":99') WHERE seq = 3`,
      3,
      'altered',
    ],
    ['a deleted entry', 'DELETE FROM audit WHERE seq = 2', 2, 'removed'],
    ['a deleted last entry', 'DELETE FROM audit WHERE seq = 5', 5, 'cut_off'],
    ['a rewritten link', `UPDATE audit SET prev_hash = repeat('a', 64) WHERE seq = 4`, 4, 'reordered'],
    [
      'the last entries and the head row deleted',
      'DELETE FROM audit WHERE seq > 3; DELETE FROM audit_head',
      3,
      'head_missing',
    ],
  ])('names every problem after %s', async (_, tamper, seq, kind) => {
    const schema = newSchema();
    const store = await open(schema);
    for (let index = 1; index <= 5; index++) await store.appendAudit([fields(0, index)]);
    await query(schema, tamper);
    expect((await verdictOf(store)).problems).toEqual([expect.objectContaining({ seq, kind })]);
  });

  it('keeps verifying after entries with text PostgreSQL cannot keep as it is (lone surrogates, NUL)', async () => {
    const store = await open(newSchema());
    await store.appendAudit([{ ...fields(0, 1), subject: 'User a\ud800', principal: 'p\u0000' }]);
    await store.appendAudit([{ ...fields(0, 2), detail: { objectId: 'a\udc00\u0000' } }]);
    expect(await verdictOf(store)).toMatchObject({ valid: true, entries: 2 });
  });

  it('stops appending when the head row is gone, saying so, instead of forking the chain', async () => {
    const schema = newSchema();
    const store = await open(schema);
    await store.appendAudit([fields(0, 1)]);
    await query(schema, 'DELETE FROM audit_head');
    await expect(store.appendAudit([fields(0, 2)])).rejects.toThrow(/the audit chain's head row is missing/);
  });

  it('filters and pages the audit log', async () => {
    const store = await open(newSchema());
    for (let index = 1; index <= 6; index++) await store.appendAudit([fields(index % 2, index)]);
    const page = await store.queryAudit({ principal: 'replica-1', limit: 2 });
    expect(page.map((entry) => entry.requestId)).toEqual(['r1-1', 'r1-3']);
    const next = await store.queryAudit({ principal: 'replica-1', limit: 2, after: page[1]!.seq });
    expect(next.map((entry) => entry.requestId)).toEqual(['r1-5']);
    expect(await store.queryAudit({ subject: 'u4', limit: 10 })).toHaveLength(1);
  });

  it('lets exactly one replica run an approval when two race, and recovers only its own runs', async () => {
    const schema = newSchema();
    const [one, two] = [await open(schema), await open(schema)];
    const runs: string[] = [];
    // Every run reaches Graph and then waits at a gate, so whoever won the race still holds the run.
    let openGate = () => {};
    const gate = new Promise<void>((resolve) => {
      openGate = resolve;
    });
    const service = (store: PostgresStore, replica: string) =>
      new ApprovalService({
        store,
        execute: async (record, beforeFirstAttempt) => {
          runs.push(`${replica}:${record.id}`);
          await beforeFirstAttempt();
          await gate;
          return { sent: 'yes', answer: graphAnswer(200, {}), graphRequestId: null };
        },
        entry: (action, record, detail) => ({
          at: new Date().toISOString(),
          action,
          principal: null,
          requestId: record.id,
          graphRequestId: null,
          servicePrincipalId: record.servicePrincipalId,
          jobId: record.jobId,
          subject: null,
          detail,
        }),
        audit: async () => {},
        auditedReviewers: async () => [],
        replica,
      });
    const a = service(one, 'a');
    const b = service(two, 'b');
    const record = await a.create(approvalRequest());
    await one.addReview(
      record.id,
      { principal: 'bob', roles: ['approver'] as Role[], decision: 'approve', reason: 'ok', at: '' },
      new Date(),
    );
    let finished = 0;
    const racing = [a.run(record.id), b.run(record.id), b.run(record.id)].map((run) =>
      run.then(() => {
        finished += 1;
      }),
    );
    // The winner waits at the gate; the two losers must come back, their claims refused, having run nothing.
    await until('the two losing runs have finished', () => finished === 2);
    // The winner writes any review the log lacks, then reaches Graph and the gate.
    const running = await until('the winner is sending', async () => {
      const seen = (await two.getApproval(record.id))!;
      return seen.sendingAt ? seen : undefined;
    });
    expect(runs).toHaveLength(1);
    expect(running).toMatchObject({ state: 'executing', sendingAt: expect.any(String) });
    expect(runs[0]).toBe(`${running.executedBy}:${record.id}`);
    // The other replica restarting must not mark the run as interrupted: it may still be going.
    const other = running.executedBy === 'a' ? 'b' : 'a';
    await service(two, other).recover();
    expect((await two.getApproval(record.id))!.state).toBe('executing');
    await service(two, running.executedBy!).recover();
    expect((await two.getApproval(record.id))!.state).toBe('interrupted');
    // The first run's answer arrives after its claim was taken back: it no longer writes the approval.
    openGate();
    await Promise.all(racing);
    expect((await two.getApproval(record.id))!.state).toBe('interrupted');
    expect(runs).toHaveLength(1);
  });

  it('refuses appends while PostgreSQL is unreachable, naming where without the password', async () => {
    const port = await freePort();
    await expect(
      PostgresStore.open({ url: `postgres://postgres:hunter2@127.0.0.1:${port}/test`, schema: newSchema() }),
    ).rejects.toThrow(
      new RegExp(`cannot prepare PostgreSQL at postgres://postgres:\\*\\*\\*@127\\.0\\.0\\.1:${port}/test`),
    );
  });
});
