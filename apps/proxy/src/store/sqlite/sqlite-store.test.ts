import { statSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@ondemand/test-utils/temp-dir';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from './sqlite-store.js';

describe('SqliteStore', () => {
  it('creates its database and the -wal and -shm files readable by the owner only, whatever the umask', async () => {
    const path = join(tempDir('sqlite-mode-'), 'proxy.sqlite');
    const umask = process.umask(0o022);
    try {
      const store = new SqliteStore(path);
      await store.appendAudit([
        {
          at: new Date().toISOString(),
          action: 'request',
          principal: 'alice',
          requestId: 'r1',
          graphRequestId: null,
          servicePrincipalId: null,
          jobId: null,
          subject: null,
          detail: {},
        },
      ]);
      for (const file of [path, `${path}-wal`, `${path}-shm`])
        expect({ file, mode: (statSync(file).mode & 0o777).toString(8) }).toEqual({ file, mode: '600' });
      await store.close();
    } finally {
      process.umask(umask);
    }
  });
});
