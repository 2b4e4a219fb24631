import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { FailoverLimiterStore, type LimiterStore, MemoryLimiterStore } from '@ondemand/core';
import { RedisLimiterStore } from '@ondemand/limiter-redis';
import { createGraphClient, type GraphClient } from '@ondemand/transport';
import { ApprovalService } from './approvals/approval-service.js';
import type { AuditFields } from './audit/hash-chain.js';
import type { ProxyConfig } from './config.js';
import { createProxyApp } from './http/proxy-app.js';
import { upstreamFailure } from './http/upstream-failure.js';
import { jwtAuthenticator } from './jwt-callers.js';
import { Metrics } from './metrics.js';
import { PostgresStore } from './store/postgres-store.js';
import type { ProxyStore } from './store/proxy-store.js';
import { SqliteStore } from './store/sqlite-store.js';
import { ApprovalWebhook } from './webhook.js';

export interface StartProxyOptions {
  config: ProxyConfig;
  /** Defaults to the SQLite file the config names. */
  store?: ProxyStore;
  /** Defaults to a client built from `config.graph`. */
  graph?: GraphClient;
  env?: Record<string, string | undefined>;
  /** Trust for the Graph endpoint (the simulator's CA). */
  ca?: string;
  now?: () => Date;
  log?: (line: Record<string, unknown>) => void;
  /** How often approved requests nobody started are looked for (default 5 s). */
  approvalSweepMs?: number;
}

export interface RunningProxy {
  url: string;
  database: string;
  store: ProxyStore;
  approvals: ApprovalService;
  /** Stops taking requests, finishes those in flight and approved runs, closes the store. */
  stop(): Promise<void>;
}

/** Starts the proxy; approvals approved but not yet run before a restart run now. */
export async function startProxy(options: StartProxyOptions): Promise<RunningProxy> {
  const { config } = options;
  const env = options.env ?? process.env;
  const now = options.now ?? (() => new Date());
  const log = options.log ?? ((line) => process.stderr.write(`${JSON.stringify(line)}\n`));
  const say: Say = (level, message) => log({ at: new Date().toISOString(), level, message });
  const store = options.store ?? (await openStore(config, say));
  const limiterStore = config.limiter ? await openLimiterStore(config.limiter, say) : undefined;
  const ca = options.ca ?? (config.graph.caFile ? await readFile(config.graph.caFile, 'utf8') : undefined);
  const certificate = config.graph.certificateFile
    ? await readFile(config.graph.certificateFile, 'utf8')
    : undefined;
  const clientSecret = env[config.graph.clientSecretEnv];
  const graph =
    options.graph ??
    createGraphClient({
      ...(config.graph.baseUrl ? { baseUrl: config.graph.baseUrl } : {}),
      ...(config.graph.loginUrl ? { loginUrl: config.graph.loginUrl } : {}),
      ...(config.graph.cloud ? { cloud: config.graph.cloud } : {}),
      ...(ca ? { ca } : {}),
      ...(config.graph.rateLimit ? { rateLimit: config.graph.rateLimit } : {}),
      ...(limiterStore ? { limiterStore } : {}),
      tenantId: config.graph.tenantId,
      clientId: config.graph.clientId,
      ...(certificate ? { certificate } : clientSecret ? { clientSecret } : {}),
      timeoutMs: config.upstreamTimeoutMs,
      env: {},
    });
  const metrics = new Metrics();
  const webhookSecret = config.webhook ? env[config.webhook.secretEnv] : undefined;
  if (config.webhook && !webhookSecret)
    throw new Error(`the webhook needs its secret in the environment variable ${config.webhook.secretEnv}`);
  const webhook = config.webhook
    ? new ApprovalWebhook(config.webhook.url, webhookSecret!, (message) => {
        metrics.webhookFailures.inc();
        say('warn', message);
      })
    : undefined;
  const approvals = new ApprovalService(
    store,
    async (record, beforeSend) => {
      try {
        const result = await graph.provisionOnDemand(
          record.servicePrincipalId,
          record.jobId,
          JSON.parse(record.body),
          { beforeSend },
        );
        return { status: 200, body: result.raw, graphRequestId: result.requestId ?? null };
      } catch (error) {
        // The same answer a caller would get had the request not needed approval.
        const { status, body, graphRequestId } = upstreamFailure(error);
        return { status, body, graphRequestId };
      }
    },
    async (action, record, detail) => {
      const fields: AuditFields = {
        at: now().toISOString(),
        action,
        principal: typeof detail.reviewer === 'string' ? detail.reviewer : null,
        requestId: record.id,
        graphRequestId: typeof detail.graphRequestId === 'string' ? detail.graphRequestId : null,
        servicePrincipalId: record.servicePrincipalId,
        jobId: record.jobId,
        subject: null,
        detail: { approval: record.id, ...detail },
      };
      await store.appendAudit([fields]);
    },
    now,
    (event, record) => void webhook?.notify(event, record),
    {
      ...(config.replicaId ? { replica: config.replicaId } : {}),
      leaseMs: config.replicaLeaseSeconds * 1000,
      onError: (message) => say('error', message),
    },
  );
  metrics.gauge(
    'ondemand_proxy_approvals_pending',
    'Approvals waiting for reviews, across all replicas.',
    async () => (await store.listApprovals('pending')).length,
  );
  await approvals.recover();
  // Another replica may have taken the deciding review and died before it ran the request.
  const sweeper = setInterval(
    () => void approvals.sweep().catch((error: Error) => say('warn', `approval sweep: ${error.message}`)),
    options.approvalSweepMs ?? 5_000,
  );
  sweeper.unref();
  const verifyJwt = config.jwt
    ? jwtAuthenticator({
        ...config.jwt,
        ca: config.jwt.caFile ? await readFile(config.jwt.caFile, 'utf8') : ca,
      })
    : undefined;
  const app = createProxyApp({ config, store, graph, approvals, metrics, now, log, verifyJwt });
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const started = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () =>
      resolve(started),
    );
    started.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${config.host}:${port}`,
    database: store instanceof PostgresStore ? store.description : config.database,
    store,
    approvals,
    stop: async () => {
      clearInterval(sweeper);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await approvals.drain();
      await graph.close();
      await store.close();
      await limiterStore?.close();
    },
  };
}

/** One line of the proxy's JSON log at a level. */
type Say = (level: 'warn' | 'error', message: string) => void;

/** A backend the proxy needs could not be reached at start-up: the message says which and where. */
export class BackendUnavailable extends Error {}

async function openStore(config: ProxyConfig, say: Say): Promise<ProxyStore> {
  if (!config.store) return new SqliteStore(config.database);
  try {
    return await PostgresStore.open({
      url: config.store,
      schema: config.storeSchema,
      onError: (error) => say('warn', `PostgreSQL: ${error.message}`),
    });
  } catch (error) {
    throw new BackendUnavailable((error as Error).message, { cause: error });
  }
}

/** Redis for the limiter; with `whenUnavailable: local`, a local limit stands in while Redis is away. */
async function openLimiterStore(
  limiter: NonNullable<ProxyConfig['limiter']>,
  say: Say,
): Promise<LimiterStore & { close(): Promise<void> }> {
  let lastLogged = 0;
  let shared: RedisLimiterStore;
  try {
    shared = await RedisLimiterStore.connect(limiter.url, {
      prefix: limiter.prefix,
      // ioredis reports every failed reconnect; one line every 10 s says enough.
      onError: (error) => {
        if (Date.now() - lastLogged < 10_000) return;
        lastLogged = Date.now();
        say('warn', `Redis (rate limiter): ${error.message}`);
      },
    });
  } catch (error) {
    throw new BackendUnavailable((error as Error).message, { cause: error });
  }
  if (limiter.whenUnavailable === 'fail') return shared;
  const failover = new FailoverLimiterStore(shared, {
    fallback: new MemoryLimiterStore(),
    fallbackLimit: limiter.localLimit,
    onSwitch: (using, error) =>
      say(
        'warn',
        using === 'fallback'
          ? `Redis cannot be reached (${(error as Error)?.message}): pacing calls locally at ${limiter.localLimit} per window`
          : 'Redis answers again: pacing calls through Redis',
      ),
  });
  return Object.assign(failover, { close: () => shared.close() });
}
