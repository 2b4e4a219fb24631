import { join } from 'node:path';
import { tempDir } from '@ondemand/test-utils/temp-dir';
import Database from 'better-sqlite3';
import pg from 'pg';
import { type AuditFields, type Checkpoint, chainRows, GENESIS_HASH, toRowValues } from '../src/index.js';
import { AUDIT_COLUMNS, auditTableDdl, CHECKPOINT_TABLE_DDL } from '../src/table.js';

/** The `index`th entry of a test log. */
export function fields(index: number): AuditFields {
  return {
    at: `2026-12-07T10:00:${String(index % 60).padStart(2, '0')}Z`,
    action: 'request',
    principal: 'requester',
    requestId: `r${index}`,
    graphRequestId: null,
    servicePrincipalId: 'sp',
    jobId: 'job',
    subject: `User u${index}`,
    detail: { n: index },
  };
}

/** A log of `count` entries as rows and its head, as a store would write them. */
export function logOf(count: number) {
  const { written, head } = chainRows(
    { seq: 0, hash: GENESIS_HASH },
    Array.from({ length: count }, (_, index) => [fields(index + 1)]),
  );
  return { rows: written.flat(), head };
}

/** An SQLite file holding a log of `count` entries, written the way the proxy's store lays it out. */
export function sqliteLog(count: number, checkpoints: Checkpoint[] = []): string {
  const path = join(tempDir('audit-log-sqlite-'), 'proxy.sqlite');
  const db = new Database(path);
  const { rows, head } = logOf(count);
  db.exec(`${auditTableDdl('sqlite')}
CREATE TABLE audit_head (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL, hash TEXT NOT NULL);
${CHECKPOINT_TABLE_DDL}`);
  const insert = db.prepare(`INSERT INTO audit (${AUDIT_COLUMNS}) VALUES (?, ?, ?, ?)`);
  for (const row of rows) insert.run(...toRowValues(row));
  db.prepare('INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?)').run(head.seq, head.hash);
  for (const checkpoint of checkpoints)
    db.prepare('INSERT INTO audit_checkpoints VALUES (?, ?, ?, ?, ?)').run(
      checkpoint.seq,
      checkpoint.hash,
      checkpoint.at,
      checkpoint.keyId,
      checkpoint.signature,
    );
  db.close();
  return path;
}

/** A PostgreSQL schema holding a log of `count` entries, laid out as the proxy's store does. */
export async function postgresLog(url: string, schema: string, count: number): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows, head } = logOf(count);
    await client.query(`CREATE SCHEMA ${schema}; SET search_path = ${schema};`);
    await client.query(`${auditTableDdl('postgres')}
CREATE TABLE audit_head (id INTEGER PRIMARY KEY CHECK (id = 1), seq BIGINT NOT NULL, hash TEXT NOT NULL);
${CHECKPOINT_TABLE_DDL}`);
    for (const row of rows)
      await client.query(`INSERT INTO audit (${AUDIT_COLUMNS}) VALUES ($1, $2, $3, $4)`, toRowValues(row));
    await client.query('INSERT INTO audit_head (id, seq, hash) VALUES (1, $1, $2)', [head.seq, head.hash]);
  } finally {
    await client.end();
  }
}
