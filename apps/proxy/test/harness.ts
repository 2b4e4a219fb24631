import type { AuditFields } from '@ondemand/audit-log';
import { groupRequest, userRequest } from '@ondemand/core';
import { documentedIds as ids, type RunningSimulator, startSimulator } from '@ondemand/simulator';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { demoProxy } from './demo-proxy.js';

/**
 * What the proxy's in-process suites share: one simulator per test file (time ×20, faults cleared
 * before each test), demo proxies started on it and closed after the file, and the calls they make.
 * Call {@link useSimulator} once at the top of a file; `sim` is then the running simulator.
 */
export let sim: RunningSimulator;
const proxies: Array<{ close(): Promise<void> }> = [];

export function useSimulator(): void {
  beforeAll(async () => {
    sim = await startSimulator({ timeScale: 20 });
  });
  beforeEach(() => {
    sim.context.faults.clear();
  });
  afterAll(async () => {
    for (const proxy of proxies.splice(0)) await proxy.close().catch(() => {});
    await sim.stop();
  });
}

export const userPath = `/v1.0/servicePrincipals/${ids.saasServicePrincipal}/synchronization/jobs/${ids.saasJob}/provisionOnDemand`;
export const groupPath = `/v1.0/servicePrincipals/${ids.groupServicePrincipal}/synchronization/jobs/${ids.groupJob}/provisionOnDemand`;
export const userBody = JSON.stringify(userRequest({ ruleId: ids.saasRule, userId: ids.saasUser }));
export const groupBody = JSON.stringify(
  groupRequest({ ruleId: ids.groupRule, groupId: ids.group, memberIds: [] }),
);

/** A demo proxy in front of the file's simulator, closed after the file. */
export async function start(options: Parameters<typeof demoProxy>[1] = {}) {
  const proxy = await demoProxy(sim, options);
  proxies.push(proxy);
  return proxy;
}

export type StartedProxy = Awaited<ReturnType<typeof start>>;

export const graphStats = () => sim.context.stats.snapshot().provisionOnDemand;
export const simPaths = () => sim.context.requestLog.map((entry) => entry.path);

/** `/audit/verify` as an auditor reads it. */
export async function verdict(proxy: StartedProxy) {
  return (await proxy.call('/audit/verify', { key: proxy.keys.auditor })).json;
}

/** The audit log's entries as an auditor reads them. */
export async function entries(proxy: StartedProxy, query = '') {
  return (await proxy.call(`/audit?limit=1000${query}`, { key: proxy.keys.auditor })).json.value as Array<
    AuditFields & { seq: number }
  >;
}

/** A group request the demo policy holds for an approver. */
export const held = (proxy: StartedProxy, headers: Record<string, string> = {}) =>
  proxy.call(groupPath, { key: proxy.keys.requester, body: groupBody, headers });
