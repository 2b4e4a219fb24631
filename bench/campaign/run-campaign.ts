import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { toEntry } from '@ondemand/audit-log';
import { PROVISION_ON_DEMAND_LIMIT } from '@ondemand/core';
import { hashApiKey, PostgresStore } from '@ondemand/proxy';
import { documentedIds as ids, type SimulatorReadyLine, type StatsSnapshot } from '@ondemand/simulator';
import {
  freePort,
  repoRoot,
  startPrivatePostgres,
  startPrivateRedis,
  startReadyProcess,
  until,
} from '@ondemand/test-utils';
import { Agent, request } from 'undici';
import { type FuzzResult, fuzzReplica } from './fuzz.js';
import { type CallRecord, loadAgent, runApprover, runCallers } from './load.js';
import { Replica } from './replicas.js';
import { installStoreFaults, type StoreFaultPoint } from './store-faults.js';

export interface CampaignOptions {
  /** Concurrent callers in each phase. */
  callers: number;
  loadSeconds: number;
  faultSeconds: number;
  fuzzCases: number;
  /** Group requests held for approval over the whole campaign (their runs share Graph's limit). */
  approvals: number;
  /** The simulator's time scale: Graph's 10 s window lasts 10 s / timeScale. */
  timeScale: number;
  log?: (line: string) => void;
}

/** What the campaign found; `pnpm campaign` prints it as a table and, last, as one JSON line. */
export interface CampaignSummary {
  calls: number;
  outcomes: Record<string, number>;
  /** 429s Graph answered for going over its limit (injected faults not counted). */
  throttled: number;
  injectedThrottles: number;
  maxInWindow: number;
  auditEntries: number;
  chainValid: boolean;
  /** Acknowledged calls (answered below 500) missing from the audit log, and approvals left unrun. */
  lost: number;
  /** Approved requests that ran more than once, and request ids with more than one request entry. */
  duplicated: number;
  /** HTTP 500 answers from the proxy. */
  internalErrors: number;
  /** 503s without Retry-After, and answers with no Graph-shaped error body. */
  unclearRefusals: number;
  /** Calls cut off by the SIGKILLed replica (no answer: the caller cannot know what happened). */
  cutOff: number;
  /** Calls that got no answer from a replica that was not killed. */
  unanswered: number;
  /**
   * Graph's count against the audit log, call by call (by client-request-id): every attempt that
   * reached Graph has its forward entry, nothing ran without one, and nothing ran twice.
   */
  graph: {
    /** Calls Graph ran (the engine did the work). */
    processed: number;
    /** Of those, the ones with a forward entry in the audit log: must be all of them. */
    processedAndForwarded: number;
    /** Attempts that reached Graph, faults and 429s included. */
    arrived: number;
    /** Forward entries: one per attempt. */
    forwards: number;
    /** Attempts that reached Graph without a forward entry: must be none. */
    arrivedUnaudited: number;
    /** Forward entries whose attempt never reached Graph (the killed replica's last). */
    forwardedNotArrived: number;
    /** Calls Graph ran more than once: must be none. */
    duplicates: number;
  };
  approvals: {
    created: number;
    completed: number;
    failed: number;
    interrupted: number;
    other: number;
    /** Approvals that ran without an approving `review` entry in the audit log: must be none. */
    unreviewed: number;
  };
  /** Calls sent with an Idempotency-Key, retried with it, and keys whose request Graph ran twice. */
  idempotency: { keys: number; retried: number; ranTwice: number };
  /**
   * Calls the load refused for want of a valid key, and the proxy's own count of such calls (the fuzz
   * run's among them): those recorded one by one, and those counted in a later entry.
   */
  unauthenticated: { answered: number; recorded: number; counted: number };
  /** Statements made to fail at each write point after Graph answered. */
  storeFaults: Record<StoreFaultPoint, number>;
  fuzz: FuzzResult;
  seconds: number;
}

const keyNames = ['requester', 'approver', 'auditor'] as const;
/** The replica the fault phase kills. */
const KILLED = 'r2';

/**
 * The simulator, three proxy replicas sharing PostgreSQL and Redis, hundreds of callers; then faults
 * (Graph answering 429/503/slow/dropped, a replica SIGKILLed and restarted, Redis and PostgreSQL
 * restarted) and a fuzz run; then the checks.
 */
export async function runCampaign(options: CampaignOptions): Promise<CampaignSummary> {
  const log = options.log ?? (() => {});
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'ondemand-campaign-'));
  const schema = `campaign_${randomBytes(5).toString('hex')}`;
  const sim = await startReadyProcess<SimulatorReadyLine & { caFile: string }>(
    ['packages/simulator/dist/cli.js', '--time-scale', String(options.timeScale)],
    {},
    { stderr: 'ignore' },
  );
  const simAgent = new Agent({ connect: { ca: readFileSync(sim.ready.caFile, 'utf8') } });
  const control = async (path: string, init: { method?: 'GET' | 'POST' | 'DELETE'; body?: unknown } = {}) => {
    const answer = await request(`${sim.ready.url}/_sim${path}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${sim.ready.controlToken}`, 'content-type': 'application/json' },
      ...(init.body ? { body: JSON.stringify(init.body) } : {}),
      dispatcher: simAgent,
    });
    const text = await answer.body.text();
    return text ? JSON.parse(text) : undefined;
  };
  const redis = await startPrivateRedis();
  // A PostgreSQL of the campaign's own: the fault phase restarts it, and nobody else uses it.
  const postgres = await startPrivatePostgres();
  // One audit signing key for all replicas (each keeps its own witness file).
  const signingKey = join(dir, 'audit-signing-key.pem');
  const auditKeys = generateKeyPairSync('ed25519');
  writeFileSync(signingKey, auditKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  const publicKey = join(dir, 'audit-public-key.pem');
  writeFileSync(publicKey, auditKeys.publicKey.export({ type: 'spki', format: 'pem' }));
  const keys = Object.fromEntries(
    keyNames.map((name) => [name, `odp_${name}_${randomBytes(12).toString('hex')}`]),
  );
  const windowMs = PROVISION_ON_DEMAND_LIMIT.windowMs / options.timeScale;
  const configFile = join(dir, 'proxy.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      // Behind a load balancer that ends TLS, as replicas are.
      plainHttp: true,
      store: postgres.url,
      storeSchema: schema,
      audit: {
        signingKeyFile: signingKey,
        witnessFile: join(dir, '{replica}.witness.ndjson'),
        spoolFile: join(dir, '{replica}.outcomes.ndjson'),
        checkpointEvery: { entries: 500, seconds: 2 },
      },
      limiter: { url: redis.url },
      maxQueuedCalls: 10,
      upstreamTimeoutMs: 10_000,
      graph: {
        baseUrl: sim.ready.url,
        caFile: sim.ready.caFile,
        tenantId: sim.ready.tenantId,
        clientId: sim.ready.clientId,
        // Three replicas on two busy cores: calls can sit in an event loop for a while after they
        // leave the limiter, so the margin is wider than the 2% default.
        rateLimit: { limit: PROVISION_ON_DEMAND_LIMIT.limit, windowMs, marginMs: windowMs * 0.25 },
      },
      apiKeys: keyNames.map((name) => ({ principal: name, roles: [name], sha256: hashApiKey(keys[name]!) })),
      policy: {
        rules: [
          {
            name: 'groups need an approver',
            match: { servicePrincipal: [ids.groupServicePrincipal], objectType: ['Group'] },
            decision: 'require_approval',
            approvals: { count: 1, roles: ['approver'], expiresInMinutes: 60 },
          },
          {
            name: 'single users on app provisioning',
            match: { servicePrincipal: [ids.saasServicePrincipal], objectType: ['User'], maxSubjects: 1 },
            decision: 'allow',
          },
        ],
        otherwise: 'deny',
      },
    }),
  );
  const replicas = await Promise.all(
    ['r1', 'r2', 'r3'].map(
      async (id) =>
        new Replica(
          id,
          await freePort(),
          configFile,
          { AZURE_CLIENT_SECRET: sim.ready.clientSecret },
          join(dir, `${id}.log`),
        ),
    ),
  );
  const records: CallRecord[] = [];
  const groups = { left: Math.ceil(options.approvals / 2) };
  let approverDone = false;
  try {
    await Promise.all(replicas.map((replica) => replica.start()));
    // The schema exists once a replica has started: the fault triggers go on its tables.
    const storeFaults = await installStoreFaults(postgres.url, schema);
    log(
      `3 replicas on PostgreSQL ${postgres.url} (schema ${schema}) and Redis ${redis.url}; logs in ${dir} (removed at the end unless CAMPAIGN_KEEP_LOGS=1)`,
    );
    const approver = runApprover({ until: () => approverDone, replicas, keys });

    log(`load: ${options.callers} callers for ${options.loadSeconds} s`);
    await runCallers({
      callers: options.callers,
      until: Date.now() + options.loadSeconds * 1000,
      replicas,
      keys,
      records,
      groups,
    });
    groups.left += Math.ceil(options.approvals / 2);

    log(
      `faults: Graph 429/503/slow/drop and answers lost after Graph ran the call, a replica killed and restarted, Redis and PostgreSQL restarted (${options.faultSeconds} s)`,
    );
    for (const fault of [
      { kind: '429', percent: 5, retryAfterSeconds: windowMs / 1000, path: 'provisionOnDemand' },
      { kind: '503', percent: 5, retryAfterSeconds: windowMs / 1000 },
      { kind: 'drop-after-processing', percent: 3, path: 'provisionOnDemand' },
      { kind: '504-after-processing', percent: 3, path: 'provisionOnDemand' },
      { kind: 'slow', percent: 5, delayMs: 300 },
      { kind: 'drop', percent: 2, path: 'synchronization/jobs' },
    ])
      await control('/faults', { method: 'POST', body: fault });
    // One statement fails at each write point after Graph answered, three times over.
    await storeFaults.arm(3);
    const faultMs = options.faultSeconds * 1000;
    const faultsStart = Date.now();
    const at = (share: number) =>
      new Promise((resolve) => setTimeout(resolve, Math.max(0, faultsStart + share * faultMs - Date.now())));
    const schedule = (async () => {
      await at(0.15);
      log('  SIGKILL replica r2');
      await replicas[1]!.kill();
      await at(0.3);
      log('  restart replica r2');
      await replicas[1]!.start();
      await at(0.45);
      log('  restart Redis');
      await redis.stop();
      await at(0.5);
      await redis.start();
      await at(0.65);
      log('  restart PostgreSQL');
      await postgres.restart();
      await at(0.9);
      await control('/faults', { method: 'DELETE' });
    })();
    await runCallers({
      callers: options.callers,
      until: faultsStart + faultMs,
      replicas,
      keys,
      records,
      groups,
    });
    await schedule;

    log(`fuzz: ${options.fuzzCases} malformed requests against r1`);
    const fuzz = await fuzzReplica(replicas[0]!, keys, options.fuzzCases);
    if (!replicas[0]!.alive) fuzz.noAnswer += 1;

    // Approved runs finish (their results are needed for the checks), then the approver stops.
    const approvals = await settleApprovals(postgres.url, schema);
    approverDone = true;
    await approver;
    await Promise.all(replicas.map((replica) => replica.stop()));

    const fired = await storeFaults.fired();
    const stats = (await control('/stats')) as StatsSnapshot;
    const calls = (await control('/provision-calls')) as ProvisionCalls;
    const verdict = await verifyOffline(
      postgres.url,
      schema,
      publicKey,
      ['r1', 'r2', 'r3'].map((id) => join(dir, `${id}.witness.ndjson`)),
    );
    const entries = await readEntries(postgres.url, schema);
    return summarize({ records, stats, calls, verdict, entries, approvals, fuzz, started, fired });
  } finally {
    approverDone = true;
    await Promise.all(replicas.map((replica) => replica.stop().catch(() => {})));
    await loadAgent.close().catch(() => {});
    await simAgent.close();
    await sim.stop();
    await redis.stop();
    await postgres.stop();
    if (!process.env.CAMPAIGN_KEEP_LOGS) rmSync(dir, { recursive: true, force: true });
  }
}

/** What the simulator saw of provisionOnDemand, by client-request-id. */
type ProvisionCalls = { arrived: Record<string, number>; processed: Record<string, number> };

/** Every entry of the campaign's audit log, read from one snapshot. */
async function readEntries(url: string, schema: string) {
  const store = await PostgresStore.open({ url, schema });
  const chain = await store.openChain();
  const entries = [];
  try {
    for await (const batch of chain.rows()) for (const row of batch) entries.push(toEntry(row));
  } finally {
    await chain.close();
    await store.close();
  }
  return entries;
}

/** Waits (bounded) until no approval is approved-but-not-run or running; returns them all. */
async function settleApprovals(url: string, schema: string) {
  const store = await PostgresStore.open({ url, schema });
  const unsettled = (all: Awaited<ReturnType<typeof store.listApprovals>>) =>
    all.some((record) => record.state === 'approved' || record.state === 'executing');
  try {
    // At the deadline the approvals are counted as they are: one left unrun is a finding, not a hang.
    await until(
      'no approval is left approved or running',
      async () => !unsettled(await store.listApprovals()),
      60_000,
      {
        everyMs: 250,
      },
    ).catch(() => {});
    return await store.listApprovals();
  } finally {
    await store.close();
  }
}

/** `ondemand-proxy audit verify --store … --public-key … --witness …`: the same check an operator runs. */
async function verifyOffline(
  url: string,
  schema: string,
  publicKey: string,
  witnesses: string[],
): Promise<{ valid: boolean; entries: number; unchecked?: string[]; message?: string }> {
  const run = promisify(execFile);
  try {
    const { stdout } = await run(
      process.execPath,
      [
        'apps/proxy/dist/cli.js',
        'audit',
        'verify',
        '--store',
        url,
        '--schema',
        schema,
        '--public-key',
        publicKey,
        ...witnesses.flatMap((witness) => ['--witness', witness]),
      ],
      { cwd: repoRoot },
    );
    return JSON.parse(stdout);
  } catch (error) {
    const stdout = (error as { stdout?: string }).stdout;
    return stdout ? JSON.parse(stdout) : { valid: false, entries: 0, message: (error as Error).message };
  }
}

function summarize(input: {
  records: CallRecord[];
  stats: StatsSnapshot;
  calls: ProvisionCalls;
  verdict: { valid: boolean; entries: number };
  entries: Array<{ action: string; requestId: string; detail: Record<string, unknown> }>;
  approvals: Array<{ id: string; state: string }>;
  fuzz: FuzzResult;
  started: number;
  fired: Record<StoreFaultPoint, number>;
}): CampaignSummary {
  const { records, entries } = input;
  const outcomes: Record<string, number> = {};
  for (const record of records) {
    const key =
      record.status === 0
        ? `no answer (${record.failure})`
        : `${record.status}${record.errorCode ? ` ${record.errorCode}` : ''}`;
    outcomes[key] = (outcomes[key] ?? 0) + 1;
  }
  const byRequest = new Map<string, string[]>();
  for (const entry of entries) {
    const actions = byRequest.get(entry.requestId) ?? [];
    actions.push(entry.action);
    byRequest.set(entry.requestId, actions);
  }
  // Acknowledged: answered below 500. Each must be in the log; a 200 from Graph with its outcome.
  let lost = 0;
  for (const record of records) {
    if (record.status === 0 || record.status >= 500) continue;
    // Calls without a valid key are recorded one by one only up to a budget a minute; the rest are
    // counted in the next one recorded (checked below as a whole, not call by call).
    if (record.status === 401) continue;
    const actions = byRequest.get(record.requestId ?? '') ?? [];
    if (actions.length === 0) lost += 1;
    else if (record.operation === 'provision' && record.status === 200 && !actions.includes('outcome'))
      lost += 1;
  }
  const created = new Set(records.flatMap((record) => (record.approvalId ? [record.approvalId] : [])));
  const states = new Map(input.approvals.map((record) => [record.id, record.state]));
  for (const id of created) {
    const state = states.get(id);
    if (state === undefined || state === 'approved' || state === 'executing') lost += 1;
  }
  // A run that reached Graph (or may have) ends with exactly one such outcome; runs refused before
  // sending (a full queue, Redis away) have outcomes that say nothing was sent, and run again later.
  const outcomesPerApproval = new Map<string, number>();
  for (const entry of entries)
    if (entry.action === 'outcome' && typeof entry.detail.approval === 'string' && entry.detail.sent !== 'no')
      outcomesPerApproval.set(
        entry.detail.approval,
        (outcomesPerApproval.get(entry.detail.approval) ?? 0) + 1,
      );
  const duplicated =
    [...outcomesPerApproval.values()].filter((count) => count > 1).length +
    [...byRequest.values()].filter((actions) => actions.filter((action) => action === 'request').length > 1)
      .length;
  const count = (state: string) => [...created].filter((id) => states.get(id) === state).length;
  // Every run that may have reached Graph has the review that approved it in the log.
  const approvedBy = new Set(
    entries.flatMap((entry) =>
      entry.action === 'review' &&
      entry.detail.decision === 'approve' &&
      typeof entry.detail.approval === 'string'
        ? [entry.detail.approval]
        : [],
    ),
  );
  const unreviewed = [...created].filter(
    (id) => ['completed', 'failed', 'interrupted'].includes(states.get(id) ?? '') && !approvedBy.has(id),
  ).length;
  // A key's request runs at Graph once at most, however often it was sent: of the requests sent
  // with one key, at most one has an attempt Graph ran (one Graph turned away, 429 or 503, did not
  // run, and frees the key for the next).
  const ranAtGraph = new Set(
    entries.flatMap((entry) =>
      entry.action === 'forward' &&
      typeof entry.detail.clientRequestId === 'string' &&
      (input.calls.processed[entry.detail.clientRequestId] ?? 0) > 0
        ? [entry.requestId]
        : [],
    ),
  );
  const byKey = new Map<string, CallRecord[]>();
  for (const record of records)
    if (record.idempotencyKey)
      byKey.set(record.idempotencyKey, [...(byKey.get(record.idempotencyKey) ?? []), record]);
  const idempotency = {
    keys: byKey.size,
    retried: [...byKey.values()].filter((sent) => sent.length > 1).length,
    ranTwice: [...byKey.values()].filter(
      (sent) =>
        new Set(
          sent.flatMap((record) =>
            record.requestId && ranAtGraph.has(record.requestId) ? [record.requestId] : [],
          ),
        ).size > 1,
    ).length,
  };
  const authFailures = entries.filter((entry) => entry.action === 'auth_failure');
  const unauthenticated = {
    answered: records.filter((record) => record.status === 401).length,
    recorded: authFailures.length,
    counted: authFailures.reduce((sum, entry) => sum + Number(entry.detail.notRecordedBefore ?? 0), 0),
  };
  const fuzzed = new Set(input.fuzz.requestIds);
  const fuzz = {
    ...input.fuzz,
    forwarded: entries.filter((entry) => entry.action === 'forward' && fuzzed.has(entry.requestId)).length,
  };
  return {
    graph: reconcile(input.calls, entries),
    calls: records.length,
    outcomes,
    throttled: input.stats.throttled,
    injectedThrottles: input.stats.injectedThrottles,
    maxInWindow: input.stats.provisionOnDemand.maxReceivedInWindow,
    auditEntries: entries.length,
    chainValid: input.verdict.valid && input.verdict.entries === entries.length,
    lost,
    duplicated,
    internalErrors: records.filter((record) => record.status === 500).length,
    unclearRefusals: records.filter(
      (record) =>
        (record.status === 503 && !record.retryAfter) || (record.status >= 400 && !record.graphShaped),
    ).length,
    cutOff: records.filter((record) => record.status === 0 && record.replica === KILLED).length,
    unanswered: records.filter((record) => record.status === 0 && record.replica !== KILLED).length,
    approvals: {
      created: created.size,
      completed: count('completed'),
      failed: count('failed'),
      interrupted: count('interrupted'),
      other: created.size - count('completed') - count('failed') - count('interrupted'),
      unreviewed,
    },
    idempotency,
    unauthenticated,
    storeFaults: input.fired,
    fuzz,
    seconds: Math.round((Date.now() - input.started) / 1000),
  };
}

/** Graph's count of provisionOnDemand calls against the audit's forward entries, client-request-id by id. */
function reconcile(
  calls: ProvisionCalls,
  entries: Array<{ action: string; detail: Record<string, unknown> }>,
): CampaignSummary['graph'] {
  const forwards = new Map<string, number>();
  for (const entry of entries)
    if (entry.action === 'forward' && typeof entry.detail.clientRequestId === 'string')
      forwards.set(entry.detail.clientRequestId, (forwards.get(entry.detail.clientRequestId) ?? 0) + 1);
  const sum = (counts: Iterable<number>) => [...counts].reduce((total, each) => total + each, 0);
  let arrivedUnaudited = 0;
  let forwardedNotArrived = 0;
  for (const id of new Set([...forwards.keys(), ...Object.keys(calls.arrived)])) {
    const difference = (calls.arrived[id] ?? 0) - (forwards.get(id) ?? 0);
    if (difference > 0) arrivedUnaudited += difference;
    else forwardedNotArrived -= difference;
  }
  const processed = Object.entries(calls.processed);
  return {
    processed: sum(processed.map(([, runs]) => runs)),
    processedAndForwarded: sum(processed.filter(([id]) => forwards.has(id)).map(([, runs]) => runs)),
    arrived: sum(Object.values(calls.arrived)),
    forwards: sum(forwards.values()),
    arrivedUnaudited,
    forwardedNotArrived,
    duplicates: sum(processed.map(([, runs]) => runs - 1)),
  };
}

/** The checks the campaign must pass; each failed one is named. */
export function campaignFailures(summary: CampaignSummary): string[] {
  const failures: string[] = [];
  if (summary.throttled > 0)
    failures.push(`Graph answered ${summary.throttled} × 429 for going over its limit`);
  if (summary.maxInWindow > PROVISION_ON_DEMAND_LIMIT.limit)
    failures.push(`Graph saw ${summary.maxInWindow} calls in one window`);
  if (!summary.chainValid) failures.push('the audit chain does not verify');
  if (summary.lost > 0) failures.push(`${summary.lost} acknowledged calls or approvals are missing`);
  if (summary.duplicated > 0) failures.push(`${summary.duplicated} requests ran or were logged twice`);
  if (summary.unanswered > 0) failures.push(`${summary.unanswered} calls to live replicas got no answer`);
  if (summary.internalErrors > 0) failures.push(`${summary.internalErrors} answers were HTTP 500`);
  if (summary.unclearRefusals > 0)
    failures.push(`${summary.unclearRefusals} refusals had no Retry-After or no Graph-shaped body`);
  if (
    summary.fuzz.serverErrors +
      summary.fuzz.notGraphShaped +
      summary.fuzz.noAnswer +
      summary.fuzz.notRefused >
    0
  )
    failures.push(`fuzz: ${JSON.stringify(summary.fuzz)}`);
  if (summary.fuzz.forwarded > 0)
    failures.push(`fuzz: ${summary.fuzz.forwarded} malformed requests reached Graph`);
  if (summary.approvals.unreviewed > 0)
    failures.push(`${summary.approvals.unreviewed} approved runs have no approving review in the audit log`);
  if (summary.idempotency.ranTwice > 0)
    failures.push(`Graph ran the request of ${summary.idempotency.ranTwice} Idempotency-Keys twice`);
  const { graph } = summary;
  if (graph.processedAndForwarded !== graph.processed)
    failures.push(
      `Graph ran ${graph.processed - graph.processedAndForwarded} calls that have no forward entry in the audit log`,
    );
  if (graph.arrivedUnaudited > 0)
    failures.push(`${graph.arrivedUnaudited} attempts reached Graph without a forward entry`);
  if (graph.duplicates > 0) failures.push(`Graph ran ${graph.duplicates} calls a second time`);
  if (graph.forwardedNotArrived > summary.cutOff)
    failures.push(
      `${graph.forwardedNotArrived} forward entries never reached Graph (the killed replica cut off ${summary.cutOff})`,
    );
  return failures;
}
