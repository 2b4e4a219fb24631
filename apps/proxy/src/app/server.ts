import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { readWitness } from '@ondemand/audit-log';
import { approvalPath, systemClock } from '@ondemand/core';
import type { GraphClient } from '@ondemand/transport';
import { DEFAULT_REPLICA } from '../approvals/approval.js';
import { ApprovalService } from '../approvals/approval-service.js';
import {
  approvalEntries,
  approvalEntry,
  auditedReviewersIn,
  runThrough,
} from '../approvals/approval-wiring.js';
import { ApprovalWebhook } from '../approvals/webhook.js';
import { AuditLog } from '../audit/audit-log.js';
import { auditSigner } from '../audit/audit-signer.js';
import { Checkpointer } from '../audit/checkpointer.js';
import { OutcomeSpool } from '../audit/outcome-spool.js';
import { requireWitnessedLog } from '../audit/witness-guard.js';
import { jwtAuthenticator } from '../auth/jwt-authenticator.js';
import { RecordBudget } from '../auth/record-budget.js';
import type { ProxyConfig } from '../config/config.js';
import { readNamedFile, readServerCertificate } from '../config/startup-inputs.js';
import { consoleSignInFor } from '../console/console-sign-in-for.js';
import { GraphForwarder } from '../forward/graph-forwarder.js';
import { graphClientFor } from '../graph/graph-client-for.js';
import { openLimiterStore } from '../graph/limiter-store.js';
import { SubjectDirectory } from '../graph/subject-directory.js';
import { originOf, PublicUrls } from '../http/public-url.js';
import { AnswerSpool } from '../idempotency/answer-spool.js';
import { settleCutShortIdempotencyKeys } from '../idempotency/cut-short-keys.js';
import { flushAnswerSpool } from '../idempotency/idempotency.js';
import type { IdempotentAnswer } from '../idempotency/idempotency-store.js';
import { Metrics } from '../metrics.js';
import { openStore } from '../store/open-store.js';
import { PostgresStore } from '../store/postgres/postgres-store.js';
import type { ProxyStore } from '../store/proxy-store.js';
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
  const graph = options.graph ?? (await graphClientFor(config, { env, ca, limiterStore }));
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
    spool: new OutcomeSpool(
      perReplica(config.audit.spoolFile) ?? defaultSpoolFile(config, replica),
      signer?.deriveKey('ondemand-outcome-spool/1'),
    ),
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
    maxQueuedCallsPerPrincipal: config.maxQueuedCallsPerPrincipal,
    rateLimit: config.graph.rateLimit,
    replica,
  });
  const approvals = new ApprovalService({
    store,
    // Approved runs take the same path to Graph as any allowed call.
    execute: runThrough(forwarder),
    entry: approvalEntry(audit),
    audit: approvalEntries(audit),
    auditedReviewers: auditedReviewersIn(store),
    clock: { ...systemClock, now: () => now().getTime() },
    notify: (event, record) => void webhook?.notify(event, record),
    replica: config.replicaId,
    leaseMs: config.replicaLeaseSeconds * 1000,
    onError: (message) => say('error', message),
  });
  metrics.gauge(
    'ondemand_proxy_approvals_pending',
    'Approvals waiting for reviews, across all replicas.',
    // Counted by the database at each scrape: never every record read.
    () => store.countApprovals({ state: 'pending' }),
  );
  await approvals.recover();
  const lost = await audit.recordLostOutcomes(replica);
  if (lost > 0)
    say(
      'warn',
      `${lost} calls were sent to Graph before a stop and never answered: their outcome is recorded as unknown`,
    );
  // Answers kept on disk while the store was away are their keys' answers, not "may have run".
  const answerSpool = new AnswerSpool(
    perReplica(config.idempotencyAnswerFile) ?? defaultAnswerFile(config, replica),
    signer?.deriveKey('ondemand-answer-spool/1'),
  );
  const answersBeingKept = new Map<string, IdempotentAnswer>();
  await answerSpool.flush(store, (refused) =>
    say(
      'warn',
      `${refused.length} lines of ${answerSpool.path} are not answers this proxy kept: copied to ${answerSpool.path}.refused`,
    ),
  );
  await settleCutShortIdempotencyKeys(store, replica);
  checkpointer?.start();
  // Another replica may have taken the deciding review and died before it ran the request; outcomes
  // kept while the store was away are written once it is back.
  const sweeper = setInterval(() => {
    void approvals.sweep().catch((error: Error) => say('warn', `approval sweep: ${error.message}`));
    void audit.flushSpool();
    void flushAnswerSpool({ store, answerSpool, answersBeingKept, log });
    // Only where there is a console: no sweep of an empty table every few seconds otherwise.
    if (config.console)
      void store
        .deleteExpiredConsoleRecords(now().toISOString())
        .catch((error: Error) => say('warn', `console sessions: ${error.message}`));
  }, options.approvalSweepMs ?? 5_000);
  sweeper.unref();
  const verifyJwt = config.jwt
    ? jwtAuthenticator({
        ...config.jwt,
        ca: config.jwt.caFile ? await readFile(config.jwt.caFile, 'utf8') : ca,
      })
    : undefined;
  const consoleSignIn = config.console ? await consoleSignInFor(config.console, env) : undefined;
  const app = createProxyApp({
    config,
    consoleSignIn,
    replica,
    urls,
    store,
    graph,
    approvals,
    audit,
    forwarder,
    subjects: new SubjectDirectory(graph),
    answersBeingKept,
    answerSpool,
    unauthenticated: new RecordBudget(config.audit.unauthenticatedPerMinute, () => now().getTime()),
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
      await consoleSignIn?.close();
      await checkpointer?.stop();
      await graph.close();
      await store.close();
      await limiterStore?.close();
    },
  };
}

/** One line of the proxy's JSON log at a level. */
type Say = (level: 'warn' | 'error', message: string) => void;

function defaultAnswerFile(config: ProxyConfig, replica: string): string {
  return config.store ? `ondemand-proxy-${replica}.answers.ndjson` : `${config.database}.answers.ndjson`;
}

function defaultSpoolFile(config: ProxyConfig, replica: string): string {
  return config.store ? `ondemand-proxy-${replica}.outcomes.ndjson` : `${config.database}.outcomes.ndjson`;
}
