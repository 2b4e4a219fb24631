import type { HttpBindings } from '@hono/node-server';
import type { ChainTrust } from '@ondemand/audit-log';
import type { GraphClient } from '@ondemand/transport';
import type { Context } from 'hono';
import type { ApprovalService } from '../approvals/approval-service.js';
import type { AuditContext, AuditLog } from '../audit/audit-log.js';
import type { Principal } from '../auth/api-keys.js';
import type { RecordBudget } from '../auth/record-budget.js';
import type { ProxyConfig } from '../config/config.js';
import type { OidcSignIn } from '../console/oidc-sign-in.js';
import type { GraphForwarder } from '../forward/graph-forwarder.js';
import type { SubjectDirectory } from '../graph/subject-directory.js';
import type { PublicUrls } from '../http/public-url.js';
import type { AnswerSpool } from '../idempotency/answer-spool.js';
import type { IdempotentAnswer } from '../idempotency/idempotency-store.js';
import type { Metrics } from '../metrics.js';
import type { ProxyStore } from '../store/proxy-store.js';

/** What every route of the proxy may use. */
export interface ProxyContext {
  config: ProxyConfig;
  store: ProxyStore;
  graph: GraphClient;
  approvals: ApprovalService;
  audit: AuditLog;
  forwarder: GraphForwarder;
  subjects: SubjectDirectory;
  metrics: Metrics;
  /** This replica's name among replicas sharing a store. */
  replica: string;
  /** Where callers reach the proxy: the base of every URL it writes. */
  urls: PublicUrls;
  /** What `/audit/verify` trusts beyond the database: the checkpoint key and the witness file. */
  chainTrust: () => Promise<ChainTrust>;
  log: (line: Record<string, unknown>) => void;
  /**
   * Answers to a key's first request that could not be kept in the store yet, by principal and key:
   * a retry meanwhile is answered with them (never 409, never a resend) while they are kept.
   */
  answersBeingKept: Map<string, IdempotentAnswer>;
  /** The same answers on this machine's disk, so a crash before the store takes them loses none. */
  answerSpool: AnswerSpool;
  /** How many calls without a valid key are recorded one by one (the rest are counted). */
  unauthenticated: RecordBudget;
  /** The console's sign-in with the identity provider, when the console is turned on. */
  consoleSignIn?: OidcSignIn | undefined;
  /** Checks an Entra ID-issued JWT when the config accepts them. */
  verifyJwt?: ((token: string) => Promise<Principal | undefined>) | undefined;
}

export type ProxyEnv = {
  Bindings: HttpBindings;
  Variables: {
    requestId: string;
    principal: Principal;
    /** Set once this request's own entries are in the audit log, so a refusal is not audited twice. */
    audited: boolean;
  };
};

export type ProxyRequest = Context<ProxyEnv>;

/** The ids an answer carries and Graph's error body names. */
export function ids(c: ProxyRequest) {
  return { requestId: c.get('requestId'), clientRequestId: c.req.header('client-request-id') };
}

/** Who this request's audit entries are about. */
export function auditContext(c: ProxyRequest): AuditContext {
  return { principal: c.get('principal')?.principal ?? null, requestId: c.get('requestId') };
}
