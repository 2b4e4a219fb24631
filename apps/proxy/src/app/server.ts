import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { CheckpointSigner, readSigningKey, readWitness, signedBy } from '@ondemand/audit-log';
import {
  approvalPath,
  FailoverLimiterStore,
  type LimiterStore,
  MemoryLimiterStore,
  systemClock,
  tryJson,
} from '@ondemand/core';
import { RedisLimiterStore } from '@ondemand/limiter-redis';
import { createGraphClient, type GraphClient } from '@ondemand/transport';
import { DEFAULT_REPLICA } from '../approvals/approval.js';
import { ApprovalService } from '../approvals/approval-service.js';
import { ApprovalWebhook } from '../approvals/webhook.js';
import { AuditLog } from '../audit/audit-log.js';
import { Checkpointer } from '../audit/checkpointer.js';
import { OutcomeSpool } from '../audit/outcome-spool.js';
import { jwtAuthenticator } from '../auth/jwt-authenticator.js';
import type { ProxyConfig } from '../config/config.js';
import { ConfigFileError } from '../config/load-config.js';
import { GraphForwarder } from '../forward/graph-forwarder.js';
import { SubjectDirectory } from '../graph/subject-directory.js';
import { originOf, PublicUrls } from '../http/public-url.js';
import { unknownAnswer } from '../idempotency/idempotency.js';
import { Metrics } from '../metrics.js';
import { describeSubjects } from '../policy/subjects.js';
import { PostgresStore } from '../store/postgres/postgres-store.js';
import type { ProxyStore } from '../store/proxy-store.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { createProxyApp } from './proxy-app.js';

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
  /** How often approved requests nobody started, and kept outcomes, are looked for (default 5 s). */
  approvalSweepMs?: number;
}

/** The proxy put together, not yet listening: its Hono app (`app.request()` in tests) and its parts. */
export interface AssembledProxy {
  app: ReturnType<typeof createProxyApp>;
  /** Where callers reach it (its listening address is filled in once it listens). */
  urls: PublicUrls;
  database: string;
  store: ProxyStore;
  approvals: ApprovalService;
  audit: AuditLog;
  /** Finishes approved runs, signs a last checkpoint, closes Graph's client and the store. */
  close(): Promise<void>;
}

export interface RunningProxy extends Omit<AssembledProxy, 'close'> {
  url: string;
  /** Stops taking requests, finishes those in flight and approved runs, signs a last checkpoint, closes the store. */
  stop(): Promise<void>;
}

/** The database holds less of the log than the witness file says it had: someone put back or cut it. */
export class AuditLogBehindWitness extends Error {}

/** Starts the proxy on its port; approvals approved but not yet run before a restart run now. */
export async function startProxy(options: StartProxyOptions): Promise<RunningProxy> {
  const { config } = options;
  // Read before anything starts, so a missing certificate stops it with nothing half-open.
  const tls = config.tls ? await readServerCertificate(config.tls) : undefined;
  const { close, ...proxy } = await assembleProxy(options);
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const started = serve(
      {
        fetch: proxy.app.fetch,
        port: config.port,
        hostname: config.host,
        ...(tls ? { createServer: createHttpsServer, serverOptions: tls } : {}),
      },
      () => resolve(started),
    );
    started.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  proxy.urls.listening = originOf(tls ? 'https' : 'http', config.host, port);
  return {
    ...proxy,
    url: proxy.urls.listening,
    stop: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await close();
    },
  };
}

/**
 * Puts the proxy together without listening: opens the store and the limiter, recovers approvals and
 * lost outcomes, starts the sweeps and checkpoints.
 */
export async function assembleProxy(options: StartProxyOptions): Promise<AssembledProxy> {
  const { config } = options;
  const env = options.env ?? process.env;
  const now = options.now ?? (() => new Date());
  const log = options.log ?? ((line) => process.stderr.write(`${JSON.stringify(line)}\n`));
  const say: Say = (level, message) => log({ at: new Date().toISOString(), level, message });
  const replica = config.replicaId ?? DEFAULT_REPLICA;
  const perReplica = (path: string | undefined) => path?.replaceAll('{replica}', replica);
  const witnessFile = perReplica(config.audit.witnessFile);
  const signer = await auditSigner(config, env);
  const store = options.store ?? (await openStore(config, say));
  if (witnessFile) await requireWitnessedLog(store, witnessFile, signer, say);
  const limiterStore = config.limiter ? await openLimiterStore(config.limiter, say) : undefined;
  const ca =
    options.ca ??
    (config.graph.caFile ? await readNamedFile(config.graph.caFile, 'graph.caFile') : undefined);
  const certificate = config.graph.certificateFile
    ? await readNamedFile(config.graph.certificateFile, 'graph.certificateFile')
    : undefined;
  const clientSecret = env[config.graph.clientSecretEnv];
  if (!options.graph && !certificate && !clientSecret)
    throw new StartupInputMissing(
      `no Graph credential: graph.clientSecretEnv names ${config.graph.clientSecretEnv}, which is not set in the proxy's environment (set it, name another variable, or give graph.certificateFile)`,
    );
  const graph =
    options.graph ??
    createGraphClient({
      ...(config.graph.baseUrl ? { baseUrl: config.graph.baseUrl } : {}),
      ...(config.graph.loginUrl ? { loginUrl: config.graph.loginUrl } : {}),
      ...(config.graph.cloud ? { cloud: config.graph.cloud } : {}),
      ...(ca ? { ca } : {}),
      ...(config.graph.rateLimit ? { rateLimit: config.graph.rateLimit } : {}),
      rateLimitScope: config.graph.rateLimitScope,
      ...(limiterStore ? { limiterStore } : {}),
      tenantId: config.graph.tenantId,
      clientId: config.graph.clientId,
      ...(certificate ? { certificate } : clientSecret ? { clientSecret } : {}),
      timeoutMs: config.upstreamTimeoutMs,
      env: {},
    });
  const metrics = new Metrics();
  const checkpointer = signer
    ? new Checkpointer({
        store,
        signer,
        witnessFile,
        everyEntries: config.audit.checkpointEvery.entries,
        everyMs: config.audit.checkpointEvery.seconds * 1000,
        clock: systemClock,
        onError: (message) => say('error', message),
      })
    : undefined;
  if (!signer)
    say(
      'warn',
      'audit checkpoints are off (no audit.signingKeyFile or audit.signingKeyEnv): the log is hash-chained, but someone who can write the database could rewrite it unnoticed',
    );
  const audit = new AuditLog({
    store,
    metrics,
    now,
    say,
    checkpointer,
    spool: new OutcomeSpool(perReplica(config.audit.spoolFile) ?? defaultSpoolFile(config, replica)),
  });
  const webhookSecret = config.webhook ? env[config.webhook.secretEnv] : undefined;
  if (config.webhook && !webhookSecret)
    throw new Error(`the webhook needs its secret in the environment variable ${config.webhook.secretEnv}`);
  const urls = new PublicUrls(config, originOf(config.tls ? 'https' : 'http', config.host, config.port));
  const webhook = config.webhook
    ? new ApprovalWebhook(
        config.webhook.url,
        webhookSecret!,
        (message) => {
          metrics.webhookFailures.inc();
          say('warn', message);
        },
        (id) => `${urls.base}${approvalPath(id)}`,
      )
    : undefined;
  const forwarder = new GraphForwarder({
    graph,
    audit,
    metrics,
    maxQueuedCalls: config.maxQueuedCalls,
    rateLimit: config.graph.rateLimit,
    replica,
  });
  const approvals = new ApprovalService({
    store,
    // Approved runs take the same path to Graph as any allowed call.
    execute: async (record, beforeFirstAttempt) => {
      const body = JSON.parse(record.body);
      const forwarded = await forwarder.forward({
        who: { principal: record.requester, requestId: record.id },
        apiVersion: record.apiVersion,
        servicePrincipalId: record.servicePrincipalId,
        jobId: record.jobId,
        subject: describeSubjects(body),
        body,
        approval: record.id,
        beforeFirstAttempt,
      });
      if (forwarded.sent !== 'yes') return { sent: forwarded.sent };
      const { status, text } = forwarded.answer;
      return { sent: 'yes', status, body: tryJson(text) ?? text, graphRequestId: forwarded.graphRequestId };
    },
    audit: async (action, record, detail) => {
      await audit.append([
        audit.entry(
          action,
          { principal: typeof detail.reviewer === 'string' ? detail.reviewer : null, requestId: record.id },
          {
            servicePrincipalId: record.servicePrincipalId,
            jobId: record.jobId,
            detail: { approval: record.id, ...detail },
          },
        ),
      ]);
    },
    auditedReviewers: async (record) =>
      (await store.queryAudit({ action: 'review', requestId: record.id, limit: 1_000 })).flatMap((entry) =>
        entry.principal ? [entry.principal] : [],
      ),
    clock: { ...systemClock, now: () => now().getTime() },
    notify: (event, record) => void webhook?.notify(event, record),
    replica: config.replicaId,
    leaseMs: config.replicaLeaseSeconds * 1000,
    onError: (message) => say('error', message),
  });
  metrics.gauge(
    'ondemand_proxy_approvals_pending',
    'Approvals waiting for reviews, across all replicas.',
    async () => (await store.listApprovals('pending')).length,
  );
  await approvals.recover();
  const lost = await audit.recordLostOutcomes(replica);
  if (lost > 0)
    say(
      'warn',
      `${lost} calls were sent to Graph before a stop and never answered: their outcome is recorded as unknown`,
    );
  await settleCutShortIdempotencyKeys(store, replica);
  checkpointer?.start();
  // Another replica may have taken the deciding review and died before it ran the request; outcomes
  // kept while the store was away are written once it is back.
  const sweeper = setInterval(() => {
    void approvals.sweep().catch((error: Error) => say('warn', `approval sweep: ${error.message}`));
    void audit.flushSpool();
  }, options.approvalSweepMs ?? 5_000);
  sweeper.unref();
  const verifyJwt = config.jwt
    ? jwtAuthenticator({
        ...config.jwt,
        ca: config.jwt.caFile ? await readFile(config.jwt.caFile, 'utf8') : ca,
      })
    : undefined;
  const app = createProxyApp({
    config,
    replica,
    urls,
    store,
    graph,
    approvals,
    audit,
    forwarder,
    subjects: new SubjectDirectory(graph),
    metrics,
    log,
    verifyJwt,
    chainTrust: async () => ({
      publicKey: signer?.publicKey,
      // A witness file not yet written is one with no checkpoints in it, not one not given.
      witness: witnessFile
        ? existsSync(witnessFile)
          ? await readWitness(witnessFile)
          : { checkpoints: [], unreadable: [] }
        : undefined,
    }),
  });
  return {
    app,
    urls,
    database: store instanceof PostgresStore ? store.description : config.database,
    store,
    approvals,
    audit,
    close: async () => {
      clearInterval(sweeper);
      await approvals.drain();
      await checkpointer?.stop();
      await graph.close();
      await store.close();
      await limiterStore?.close();
    },
  };
}

/**
 * Keys whose first request this replica was answering when it stopped: one that reached Graph is
 * answered "may have run" from now on (never sent again); one that did not is let go.
 */
async function settleCutShortIdempotencyKeys(store: ProxyStore, replica: string): Promise<void> {
  for (const key of await store.unansweredIdempotencyKeys(replica)) {
    const [forward] = await store.queryAudit({ action: 'forward', requestId: key.requestId, limit: 1 });
    if (forward) await store.answerIdempotencyKey(key.principal, key.key, unknownAnswer());
    else await store.releaseIdempotencyKey(key.principal, key.key);
  }
}

/** One line of the proxy's JSON log at a level. */
type Say = (level: 'warn' | 'error', message: string) => void;

/** The HTTPS certificate and key the config names; a file that cannot be read is a config error. */
async function readServerCertificate(
  tls: NonNullable<ProxyConfig['tls']>,
): Promise<{ cert: string; key: string }> {
  const read = (path: string, name: string) =>
    readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new ConfigFileError(`cannot read tls.${name} ${path}: ${error.code}`);
    });
  return {
    cert: await read(tls.certificateFile, 'certificateFile'),
    key: await read(tls.keyFile, 'keyFile'),
  };
}

/** A backend the proxy needs could not be reached at start-up: the message says which and where. */
export class BackendUnavailable extends Error {}

/**
 * Something the config points at is not there at start-up (a file it names, an environment variable
 * holding a secret): one line naming the key and what to do, exit 3, never a stack.
 */
export class StartupInputMissing extends Error {}

/** A file a config key names, or {@link StartupInputMissing} naming that key. */
async function readNamedFile(path: string, key: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(code);
    throw new StartupInputMissing(`cannot read ${key} ${path}: ${why}`, { cause: error });
  }
}

/**
 * The key that signs checkpoints, from the file or the environment variable the config names; a key
 * that cannot be had is a config error (one line, exit 2), and never shown.
 */
async function auditSigner(
  config: ProxyConfig,
  env: Record<string, string | undefined>,
): Promise<CheckpointSigner | undefined> {
  const { signingKeyFile, signingKeyEnv } = config.audit;
  try {
    if (signingKeyFile) {
      const pem = await readFile(signingKeyFile, 'utf8').catch((error: NodeJS.ErrnoException) => {
        throw new Error(`cannot read audit.signingKeyFile ${signingKeyFile}: ${error.code}`);
      });
      return new CheckpointSigner(readSigningKey(pem, `audit.signingKeyFile ${signingKeyFile}`));
    }
    if (signingKeyEnv) {
      const pem = env[signingKeyEnv];
      if (!pem) throw new Error(`audit.signingKeyEnv names ${signingKeyEnv}, which is not set`);
      return new CheckpointSigner(readSigningKey(pem, `the environment variable ${signingKeyEnv}`));
    }
    return undefined;
  } catch (error) {
    throw new ConfigFileError((error as Error).message);
  }
}

/**
 * Refuses to start on a database that is behind its own witness file (an older copy put back, an end
 * cut off): appending to it would build a second history over the first.
 */
async function requireWitnessedLog(
  store: ProxyStore,
  witnessFile: string,
  signer: CheckpointSigner | undefined,
  say: Say,
): Promise<void> {
  if (!existsSync(witnessFile)) return;
  const read = await readWitness(witnessFile);
  // Only what this proxy's key signed says how long the log was: a line anyone appended to the file
  // (the folder may be writable by more than the proxy) must neither block a start nor be believed.
  const checkpoints = signer
    ? read.checkpoints.filter((checkpoint, index) => {
        if (signedBy(checkpoint, signer.publicKey)) return true;
        say(
          'warn',
          `the witness file ${witnessFile}: line ${read.lines[index]} is not signed by this proxy's audit key: ignored (run "ondemand-proxy audit verify" with --witness to see it)`,
        );
        return false;
      })
    : read.checkpoints;
  const newest = checkpoints.reduce<(typeof checkpoints)[number] | undefined>(
    (best, each) => (!best || each.seq > best.seq ? each : best),
    undefined,
  );
  if (!newest) return;
  const [entry] = await store.queryAudit({ after: newest.seq - 1, limit: 1 });
  if (entry?.seq === newest.seq && entry.hash === newest.hash) return;
  throw new AuditLogBehindWitness(
    `the audit log does not hold entry ${newest.seq} as the witness file ${witnessFile} signed it at ${newest.at}: the database was rolled back or edited. Run "ondemand-proxy audit verify" with --witness; if an older copy was put back on purpose, move the witness file aside (keep it: it proves what the log held) and start again`,
  );
}

function defaultSpoolFile(config: ProxyConfig, replica: string): string {
  return config.store ? `ondemand-proxy-${replica}.outcomes.ndjson` : `${config.database}.outcomes.ndjson`;
}

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
