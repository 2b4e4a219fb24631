import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { userRequest } from '@ondemand/core';
import { documentedIds as ids } from '@ondemand/simulator';
import { memoryIo } from '@ondemand/test-utils';
import { tempDir } from '@ondemand/test-utils/temp-dir';
import { describe, expect, it } from 'vitest';
import { connect } from './connection.js';

describe('the simulated tenant kept between --simulate runs', () => {
  it('keeps what each of two runs open at once provisioned, whichever closes last', async () => {
    const cache = tempDir('ondemand-cache-');
    const { io } = memoryIo({ env: { XDG_CACHE_HOME: cache } });
    // A UI left open, and a CLI run beside it: each its own embedded simulator from the same file.
    const [open, beside] = await Promise.all([
      connect({ simulate: true }, io),
      connect({ simulate: true }, io),
    ]);
    const users = [
      ...open.simulator!.context.tenant.servicePrincipals.get(ids.saasServicePrincipal)!.assignedTo,
    ]
      .filter((id) => id !== ids.saasUser && open.simulator!.context.tenant.users.has(id))
      .slice(0, 2);
    const provision = (connection: typeof open, userId: string) =>
      connection.graph.provisionOnDemand(
        ids.saasServicePrincipal,
        ids.saasJob,
        userRequest({ ruleId: ids.saasRule, userId }),
      );

    expect((await provision(beside, users[0]!)).report.action).toBe('Create');
    await beside.close();
    expect((await provision(open, users[1]!)).report.action).toBe('Create');
    // The UI closes last: it must not write back the tenant it loaded over what the CLI saved.
    await open.close();

    const kept = JSON.parse(readFileSync(join(cache, 'ondemand', 'simulated-tenant.json'), 'utf8'));
    const target = kept.servicePrincipals
      .find((sp: { id: string }) => sp.id === ids.saasServicePrincipal)
      .jobs.find((job: { id: string }) => job.id === ids.saasJob).target as Array<{
      attributes: Record<string, string>;
    }>;
    const next = await connect({ simulate: true }, io);
    try {
      for (const userId of users)
        expect((await provision(next, userId)).details.errorCode, `user ${userId}`).toBe('RedundantExport');
    } finally {
      await next.close();
    }
    expect(target.length).toBeGreaterThanOrEqual(3);
  });
});
