import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROVISION_ON_DEMAND_LIMIT } from '@ondemand/core';
import { demoConfig, parseConfig, type RunningProxy, startProxy } from '@ondemand/proxy';
import { documentedIds as ids, type RunningSimulator, startSimulator } from '@ondemand/simulator';
import { tempDir } from '@ondemand/test-utils/temp-dir';
import { inject } from 'vitest';

/** The simulator and, in front of it, the demo proxy, both over HTTPS from the CA the clients trust. */
export interface Servers {
  sim: RunningSimulator;
  proxy: RunningProxy;
  /** The demo principals' API keys. */
  keys: Record<string, string>;
  /** provisionOnDemand calls the simulator has had (received) and run (processed). */
  graphCalls(): { received: number; processed: number };
  /** Users assigned to the demo's app-provisioning job, each to be provisioned by one test. */
  assignedUsers: string[];
  /** How many calls the proxy has answered for `method path` with `status` (its access log). */
  answered(method: string, path: string, status: number): number;
  /** The ids of the approvals now pending, as the demo approver lists them. */
  pending(): Promise<string[]>;
  /** Approves or denies a held request as the demo approver would, through the proxy's API. */
  approve(approvalId: string): Promise<void>;
  deny(approvalId: string, reason: string): Promise<void>;
  stop(): Promise<void>;
}

const TIME_SCALE = 20;

export async function startServers(): Promise<Servers> {
  const certificate = inject('certificate');
  const sim = await startSimulator({
    timeScale: TIME_SCALE,
    certificates: {
      caPem: readFileSync(certificate.caFile, 'utf8'),
      certPem: readFileSync(certificate.certificateFile, 'utf8'),
      keyPem: readFileSync(certificate.keyFile, 'utf8'),
    },
  });
  const demo = demoConfig(
    { baseUrl: sim.url, tenantId: sim.tenantId, clientId: sim.clientId },
    join(tempDir('ondemand-sdk-compat-'), 'proxy.sqlite'),
    { certificateFile: certificate.certificateFile, keyFile: certificate.keyFile },
  );
  // Paced to the simulator's window, which the time scale shortens.
  const windowMs = PROVISION_ON_DEMAND_LIMIT.windowMs / TIME_SCALE;
  const accessLog: Array<Record<string, unknown>> = [];
  const proxy = await startProxy({
    config: parseConfig({
      ...demo.config,
      graph: {
        ...demo.config.graph,
        rateLimit: { limit: PROVISION_ON_DEMAND_LIMIT.limit, windowMs, marginMs: windowMs / 4 },
      },
    }),
    ca: sim.caPem!,
    env: { AZURE_CLIENT_SECRET: sim.clientSecret },
    log: (line) => {
      if (line.method) accessLog.push(line);
    },
  });
  const review = async (approvalId: string, decision: 'approve' | 'deny', reason: string) => {
    const answer = await fetch(`${proxy.url}/approvals/${approvalId}/${decision}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${demo.keys.approver}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason }),
    });
    if (!answer.ok) throw new Error(`${decision} ${approvalId}: ${answer.status} ${await answer.text()}`);
  };
  const assignedTo = sim.context.tenant.servicePrincipals.get(ids.saasServicePrincipal)!.assignedTo;
  return {
    sim,
    proxy,
    keys: demo.keys,
    graphCalls: () => {
      const { received, processed } = sim.context.stats.snapshot().provisionOnDemand;
      return { received, processed };
    },
    assignedUsers: assignedTo.filter((id) => id !== ids.saasUser && sim.context.tenant.users.has(id)),
    answered: (method, path, status) =>
      accessLog.filter((line) => line.method === method && line.path === path && line.status === status)
        .length,
    async pending() {
      const answer = await fetch(`${proxy.url}/approvals?state=pending`, {
        headers: { authorization: `Bearer ${demo.keys.approver}` },
      });
      return ((await answer.json()) as { value: Array<{ id: string }> }).value.map((approval) => approval.id);
    },
    approve: (approvalId) => review(approvalId, 'approve', 'checked by the compatibility test'),
    deny: (approvalId, reason) => review(approvalId, 'deny', reason),
    async stop() {
      await proxy.stop();
      await sim.stop();
    },
  };
}
