import { join } from 'node:path';
import { groupRequest } from '@ondemand/core';
import { demoConfig, parseConfig, type RunningProxy, startProxy } from '@ondemand/proxy';
import { documentedIds as ids, type RunningSimulator, startSimulator } from '@ondemand/simulator';
import { tempDir } from '@ondemand/test-utils/temp-dir';

/** A simulator (time ×20) and the demo proxy in front of it, on ports of their own, with the demo keys. */
export interface DemoProxy {
  sim: RunningSimulator;
  proxy: RunningProxy;
  /** The demo API key of each principal: requester, approver, approver-2, auditor, admin. */
  keys: Record<string, string>;
  /** The proxy's SQLite file (in a temporary folder removed after the test file). */
  database: string;
  /** Holds a group request for `member` (the demo policy needs an approver for groups); its approval id. */
  hold(member: string, principal?: string): Promise<string>;
  stop(): Promise<void>;
}

/** The proxy the tui's tests talk to, the way an operator's `ondemand --proxy` would: over HTTP. */
export async function startDemoProxy(folderPrefix: string): Promise<DemoProxy> {
  const sim = await startSimulator({ timeScale: 20 });
  const database = join(tempDir(folderPrefix), 'proxy.sqlite');
  const demo = demoConfig({ baseUrl: sim.url, tenantId: sim.tenantId, clientId: sim.clientId }, database);
  const proxy = await startProxy({
    config: parseConfig(demo.config),
    ca: sim.caPem!,
    env: { AZURE_CLIENT_SECRET: sim.clientSecret },
    log: () => {},
  });
  return {
    sim,
    proxy,
    keys: demo.keys,
    database,
    async hold(member, principal = 'requester') {
      const answer = await fetch(
        `${proxy.url}/v1.0/servicePrincipals/${ids.groupServicePrincipal}/synchronization/jobs/${ids.groupJob}/provisionOnDemand`,
        {
          method: 'POST',
          headers: { authorization: `Bearer ${demo.keys[principal]}`, 'content-type': 'application/json' },
          body: JSON.stringify(
            groupRequest({ ruleId: ids.groupRule, groupId: ids.group, memberIds: member ? [member] : [] }),
          ),
        },
      );
      return ((await answer.json()) as { id: string }).id;
    },
    async stop() {
      await proxy.stop();
      await sim.stop();
    },
  };
}
