import { randomBytes } from 'node:crypto';
import { freePort, testPostgresUrl, until } from '@ondemand/test-utils';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { approvalRequest } from '../../test/approval-requests.js';
import { ApprovalService } from '../approvals/approval-service.js';
import { type AuditFields, verifyChain } from '../audit/hash-chain.js';
import type { Role } from '../config.js';
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
    expect(rows.map((row) => row.version)).toEqual([1, 2]);
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
    const { entries, head } = await replicas[0]!.readChain();
    const expected = 3 * (40 + 14);
    expect(entries).toHaveLength(expected);
    expect(verifyChain(entries, head)).toMatchObject({ valid: true, entries: expected });
    // Entries given together stay together and in order: one transaction each.
    const first = entries.findIndex((entry) => entry.requestId === 'r1-0');
    expect(entries[first + 1]?.requestId).toBe('r1-100');
  });

  it.each<[string, string, number, string]>([
    ['a changed entry', `UPDATE audit SET detail = '{"n":99}' WHERE seq = 3`, 3, 'altered'],
    ['a deleted entry', 'DELETE FROM audit WHERE seq = 2', 2, 'removed'],
    ['a deleted last entry', 'DELETE FROM audit WHERE seq = 5', 5, 'removed'],
    ['a rewritten link', `UPDATE audit SET prev_hash = repeat('a', 64) WHERE seq = 4`, 4, 'reordered'],
  ])('names the first bad entry after %s', async (_, tamper, firstBadSeq, problem) => {
    const schema = newSchema();
    const store = await open(schema);
    for (let index = 1; index <= 5; index++) await store.appendAudit([fields(0, index)]);
    await query(schema, tamper);
    const { entries, head } = await store.readChain();
    expect(verifyChain(entries, head)).toMatchObject({ valid: false, firstBadSeq, problem });
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
    // Every run reaches Graph and then hangs, so whoever won the race still holds the run.
    const service = (store: PostgresStore, replica: string) =>
      new ApprovalService(
        store,
        async (record, beforeSend) => {
          runs.push(`${replica}:${record.id}`);
          await beforeSend();
          return new Promise(() => {});
        },
        async () => {},
        () => new Date(),
        () => {},
        { replica },
      );
    const a = service(one, 'a');
    const b = service(two, 'b');
    const record = await a.create(approvalRequest());
    await one.review(
      record.id,
      { principal: 'bob', roles: ['approver'] as Role[], decision: 'approve', reason: 'ok', at: '' },
      new Date(),
    );
    void a.run(record.id);
    void b.run(record.id);
    void b.run(record.id);
    await b.sweep();
    await until(
      'the winner is sending',
      async () => (await two.getApproval(record.id))?.sendingAt !== undefined,
    );
    await new Promise((resolve) => setTimeout(resolve, 100)); // the losers' claims come back refused
    expect(runs).toHaveLength(1);
    const running = (await two.getApproval(record.id))!;
    expect(running.state).toBe('executing');
    expect(runs[0]).toBe(`${running.executedBy}:${record.id}`);
    // The other replica restarting must not mark the run as interrupted: it may still be going.
    const other = running.executedBy === 'a' ? 'b' : 'a';
    await service(two, other).recover();
    expect((await two.getApproval(record.id))!.state).toBe('executing');
    await service(two, running.executedBy!).recover();
    expect((await two.getApproval(record.id))!.state).toBe('interrupted');
    expect(runs).toHaveLength(1);
  });

  it('opens an existing log only, for offline verification: a wrong schema is named, not created', async () => {
    const missing = newSchema();
    await expect(
      PostgresStore.open({ url: testPostgresUrl, schema: missing, existing: true }),
    ).rejects.toThrow(`there is no audit log in the schema ${missing}: check --schema`);
    const { rows } = await query('public', `SELECT 1 FROM pg_namespace WHERE nspname = '${missing}'`);
    expect(rows).toHaveLength(0);
    const schema = newSchema();
    await (await open(schema)).appendAudit([fields(0, 1)]);
    const existing = await PostgresStore.open({ url: testPostgresUrl, schema, existing: true });
    stores.push(existing);
    expect((await existing.readChain()).entries).toHaveLength(1);
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
