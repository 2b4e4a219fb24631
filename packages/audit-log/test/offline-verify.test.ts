import { randomBytes } from 'node:crypto';
import { testPostgresUrl } from '@ondemand/test-utils';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { OfflineVerifyError, verifyOffline } from '../src/index.js';
import { openPostgresChain } from '../src/postgres-chain.js';
import { postgresLog, sqliteLog } from './logs.js';

const schemas: string[] = [];
afterAll(async () => {
  const client = new pg.Client({ connectionString: testPostgresUrl });
  await client.connect();
  for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
});

function newSchema(): string {
  const schema = `test_${randomBytes(6).toString('hex')}`;
  schemas.push(schema);
  return schema;
}

describe('verifying a log where it is stored, reading only', () => {
  it('reads an SQLite file', async () => {
    const verdict = await verifyOffline({ database: sqliteLog(3) });
    expect(verdict).toMatchObject({ valid: true, entries: 3 });
  });

  it('names a file that is not there as bad input', async () => {
    await expect(verifyOffline({ database: '/nowhere/proxy.sqlite' })).rejects.toMatchObject({
      kind: 'input',
      message: 'there is no database file /nowhere/proxy.sqlite',
    });
    await expect(verifyOffline({})).rejects.toBeInstanceOf(OfflineVerifyError);
  });

  it('reads a PostgreSQL schema; a wrong schema is named, not created', async () => {
    const missing = newSchema();
    await expect(openPostgresChain({ url: testPostgresUrl, schema: missing })).rejects.toThrow(
      `there is no audit log in the schema ${missing}: check --schema`,
    );
    const client = new pg.Client({ connectionString: testPostgresUrl });
    await client.connect();
    const { rows } = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [missing]);
    await client.end();
    expect(rows).toHaveLength(0);
    const schema = newSchema();
    await postgresLog(testPostgresUrl, schema, 4);
    expect(await verifyOffline({ storeUrl: testPostgresUrl, schema })).toMatchObject({
      valid: true,
      entries: 4,
    });
  });
});
