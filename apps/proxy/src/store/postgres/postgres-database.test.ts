import { randomBytes } from 'node:crypto';
import { testPostgresUrl } from '@ondemand/test-utils';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { StoreUnavailable } from '../proxy-store.js';
import { PostgresDatabase } from './postgres-database.js';

const schema = `test_${randomBytes(6).toString('hex')}`;
afterAll(() => PostgresDatabase.dropSchema(testPostgresUrl, schema));

describe('PostgresDatabase', () => {
  it('survives its connection being dropped in the middle of a transaction: the transaction fails as unavailable, the process goes on', async () => {
    const database = await PostgresDatabase.open({ url: testPostgresUrl, schema });
    const admin = new pg.Client({ connectionString: testPostgresUrl });
    await admin.connect();
    try {
      const failed = database.transaction(async (client) => {
        const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        // The server drops this connection while the transaction holds it, between two queries
        // (as a restarting PostgreSQL does): pg emits 'error' on the held client.
        await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
        await new Promise((resolve) => setTimeout(resolve, 300));
        await client.query('SELECT 1');
      });
      await expect(failed).rejects.toBeInstanceOf(StoreUnavailable);
      // And the pool gives a working connection afterwards.
      expect((await database.query<{ one: number }>('SELECT 1 AS one')).rows[0]!.one).toBe(1);
    } finally {
      await admin.end();
      await database.close();
    }
  });
});
