import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { PROVISION_ON_DEMAND_LIMIT, REPORTS_LIMIT } from '@ondemand/core';
import type { RunningSimulator } from '@ondemand/simulator';
import { tempDir } from '@ondemand/test-utils/temp-dir';
import { type AssembledProxy, assembleProxy, demoConfig, hashApiKey, parseConfig } from '../src/index.js';
import type { ProxyStore } from '../src/store/proxy-store.js';

export { tempDir };

/**
 * The demo proxy against `sim`, put together in-process (no port): `proxy.app.request()` calls it.
 * `config` is merged over the demo config; `store` replaces its SQLite file.
 */
export async function demoProxy(
  sim: RunningSimulator,
  options: {
    config?: Record<string, unknown>;
    store?: (database: string) => ProxyStore;
    log?: (line: Record<string, unknown>) => void;
    now?: () => Date;
    env?: Record<string, string>;
  } = {},
): Promise<AssembledProxy & { keys: Record<string, string>; dir: string; call: ReturnType<typeof caller> }> {
  const dir = tempDir();
  const database = join(dir, 'proxy.sqlite');
  const demo = demoConfig({ baseUrl: sim.url, tenantId: sim.tenantId, clientId: sim.clientId }, database);
  // A second requester, to see what one requester may see of another's requests.
  const keys = { ...demo.keys, 'requester-2': `odp_requester-2_${randomBytes(12).toString('hex')}` };
  const apiKeys = [
    ...(demo.config.apiKeys ?? []),
    { principal: 'requester-2', roles: ['requester' as const], sha256: hashApiKey(keys['requester-2']) },
  ];
  // Paced to the simulator's window (a time-scaled one is shorter than Graph's 10 s).
  const windowMs = PROVISION_ON_DEMAND_LIMIT.windowMs / sim.context.timeScale;
  const graph = {
    ...demo.config.graph,
    rateLimit: { limit: PROVISION_ON_DEMAND_LIMIT.limit, windowMs, marginMs: windowMs / 4 },
    reportsLimit: {
      limit: REPORTS_LIMIT.limit,
      windowMs: (REPORTS_LIMIT.windowMs / PROVISION_ON_DEMAND_LIMIT.windowMs) * windowMs,
      marginMs: windowMs / 4,
    },
  };
  const proxy = await assembleProxy({
    config: parseConfig({ ...demo.config, apiKeys, graph, ...options.config }),
    ...(options.now ? { now: options.now } : {}),
    ca: sim.caPem!,
    env: { AZURE_CLIENT_SECRET: sim.clientSecret, ...options.env },
    log: options.log ?? (() => {}),
    ...(options.store ? { store: options.store(database) } : {}),
  });
  return { ...proxy, keys, dir, call: caller(proxy) };
}

/** What an in-process call answered. */
export interface Answered {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

/** Calls the proxy in-process and reads the answer as text and, where it is, JSON. */
export function caller(proxy: Pick<AssembledProxy, 'app'>) {
  return async (
    path: string,
    options: { key?: string; method?: string; body?: string; headers?: Record<string, string> } = {},
  ): Promise<Answered> => {
    const answer = await proxy.app.request(path, {
      method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
      headers: {
        ...(options.key ? { authorization: `Bearer ${options.key}` } : {}),
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...options.headers,
      },
      ...(options.body !== undefined ? { body: options.body } : {}),
    });
    const text = await answer.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: answer.status, headers: answer.headers, text, json };
  };
}
