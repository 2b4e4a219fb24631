import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { testPostgresUrl } from '@ondemand/test-utils';
import { tempDir } from '@ondemand/test-utils/temp-dir';
import { afterAll, describe, expect, it } from 'vitest';
import type { ConsoleRecord } from '../console/console-session-store.js';
import { PostgresStore } from './postgres/postgres-store.js';
import type { ProxyStore } from './proxy-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';

const schema = `test_${randomBytes(6).toString('hex')}`;
const opened: ProxyStore[] = [];
afterAll(async () => {
  for (const store of opened) await store.close();
  await PostgresStore.dropSchema(testPostgresUrl, schema);
});

const backends: Array<[string, () => Promise<ProxyStore>]> = [
  ['SQLite', async () => new SqliteStore(join(tempDir('console-sessions-'), 'proxy.sqlite'))],
  ['PostgreSQL', () => PostgresStore.open({ url: testPostgresUrl, schema })],
];

const session: ConsoleRecord = {
  kind: 'session',
  principal: 'adele@contoso.com',
  name: 'Adele',
  roles: ['approver'],
  csrf: 'token',
  createdAt: '2026-12-07T10:00:00.000Z',
};

describe.each(backends)('the console’s sessions in %s', (_name, open) => {
  it('keeps a record until it expires, forgets it when deleted, and sweeps the expired', async () => {
    const store = await open();
    opened.push(store);
    await store.putConsoleRecord('a', session, '2026-12-07T11:00:00.000Z');
    await store.putConsoleRecord('b', { ...session, principal: 'b' }, '2026-12-07T10:30:00.000Z');
    expect(await store.getConsoleRecord('a', '2026-12-07T10:59:59.000Z')).toEqual(session);
    // Past its time it is gone, even before a sweep removes it.
    expect(await store.getConsoleRecord('a', '2026-12-07T11:00:00.000Z')).toBeUndefined();
    await store.deleteExpiredConsoleRecords('2026-12-07T10:45:00.000Z');
    expect(await store.getConsoleRecord('b', '2026-12-07T10:00:00.000Z')).toBeUndefined();
    expect(await store.getConsoleRecord('a', '2026-12-07T10:00:00.000Z')).toEqual(session);
    await store.deleteConsoleRecord('a');
    expect(await store.getConsoleRecord('a', '2026-12-07T10:00:00.000Z')).toBeUndefined();
  });
});
