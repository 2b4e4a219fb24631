import {
  type ApiVersion,
  type JobAction,
  OUTCOME_UNKNOWN_STATUSES,
  PROVISION_ON_DEMAND_LIMIT,
  readHeader,
  tryDecodeProvisionResponse,
  tryJson,
} from '@ondemand/core';
import {
  type Attempt,
  type GraphAnswer,
  type GraphClient,
  OutcomeUnknownError,
  TransportError,
} from '@ondemand/transport';
import { type AuditContext, type AuditLog, AuditUnavailable } from '../audit/audit-log.js';
import { asGraphGaveIt, type GraphShapedAnswer, mayHaveRun, notSent } from '../http/graph-shaped-answer.js';
import type { Metrics } from '../metrics.js';

/** One provisionOnDemand or job action on its way to Graph: a caller's allowed call, or an approved run. */
export interface ForwardCall {
  who: AuditContext;
  apiVersion: ApiVersion;
  servicePrincipalId: string;
  jobId: string;
  subject: string;
  /** The job action (`restart`); absent for a provisionOnDemand. */
  action?: JobAction;
  body: unknown;
  /** The approval this runs, if it is one. */
  approval?: string;
  /** Awaited once, just before the first attempt is written (an approval run marks itself sending). */
  beforeFirstAttempt?: () => Promise<void>;
}

/**
 * How it went: Graph answered (`yes`), nothing reached Graph (`no`: safe to send again), or the
 * answer was lost after it may have (`unknown`: never sent again on its own).
 */
export type Forwarded = {
  sent: 'yes' | 'no' | 'unknown';
  answer: GraphShapedAnswer;
  graphRequestId: string | null;
};

export interface GraphForwarderOptions {
  graph: GraphClient;
  audit: AuditLog;
  metrics: Metrics;
  /** Calls waiting for the rate limit beyond this are refused at once. */
  maxQueuedCalls: number;
  /** One principal's calls waiting beyond this are refused at once (default: half of `maxQueuedCalls`). */
  maxQueuedCallsPerPrincipal?: number | undefined;
  rateLimit: { limit: number; windowMs: number } | undefined;
  /** This replica's name, written on every forward (a restart records lost outcomes for its own). */
  replica: string;
}

/**
 * The proxy's one path to Graph, for direct calls and approved runs alike: the queue bound, a
 * `forward` entry before every attempt (durable before the attempt leaves), the upstream metrics, and
 * one `outcome` entry in one shape. Graph's answer comes back as Graph gave it, readable or not; an
 * answer lost after sending is said to be unknown, never sent again.
 */
export class GraphForwarder {
  /** provisionOnDemand calls of this replica waiting for (or in) their turn at Graph. */
  #queued = 0;
  /** The same, by principal: no one of them may take the whole queue. */
  readonly #queuedBy = new Map<string, number>();

  constructor(private readonly options: GraphForwarderOptions) {
    options.metrics.gauge(
      'ondemand_proxy_queued_calls',
      'provisionOnDemand calls of this replica waiting for (or in) their turn at Graph.',
      () => this.#queued,
    );
  }

  async forward(call: ForwardCall): Promise<Forwarded> {
    const { audit, metrics } = this.options;
    const where = { servicePrincipalId: call.servicePrincipalId, jobId: call.jobId, subject: call.subject };
    const outcome = (detail: Record<string, unknown>, graphRequestId: string | null = null) =>
      audit.appendOutcome(
        audit.entry('outcome', call.who, {
          ...where,
          graphRequestId,
          detail: { ...detail, ...(call.approval ? { approval: call.approval } : {}) },
        }),
      );

    // A caller would wait longer than it is worth for the rate limit, or one principal would take
    // more than its share of the queue: say so now, send nothing.
    const principal = call.who.principal ?? '';
    const mine = this.#queuedBy.get(principal) ?? 0;
    const share =
      this.options.maxQueuedCallsPerPrincipal ?? Math.max(1, Math.floor(this.options.maxQueuedCalls / 2));
    const full = this.#queued >= this.options.maxQueuedCalls;
    const overShare = !full && mine >= share;
    if (full || overShare) {
      metrics.queueFull.inc();
      const { limit, windowMs } = this.options.rateLimit ?? PROVISION_ON_DEMAND_LIMIT;
      const ahead = overShare ? mine : this.#queued;
      const retryAfter = Math.max(1, Math.ceil(((ahead / limit) * windowMs) / 1000));
      await audit.append([
        audit.entry('outcome', call.who, {
          ...where,
          detail: { status: 503, sent: 'no', error: overShare ? 'principal_queue_full' : 'queue_full' },
        }),
      ]);
      return notSentBecause(
        503,
        'ServiceUnavailable',
        overShare
          ? `You already have ${mine} calls waiting for Graph's rate limit (${limit} per ${windowMs / 1000} s), your share of this proxy's queue; nothing was sent. Try again in ${retryAfter} s.`
          : `${this.#queued} calls are already waiting for Graph's rate limit (${limit} per ${windowMs / 1000} s); nothing was sent. Try again in ${retryAfter} s.`,
        { 'Retry-After': String(retryAfter) },
      );
    }
    // The slot is taken now, before any await, so calls arriving together cannot all slip in.
    this.#queued += 1;
    this.#queuedBy.set(principal, mine + 1);
    const started = performance.now();
    let attempts = 0;
    try {
      const send = {
        apiVersion: call.apiVersion,
        beforeAttempt: async (attempt: Attempt) => {
          if (attempt.number === 1) await call.beforeFirstAttempt?.();
          // No entry, no attempt: a write that fails stops the call here (503, nothing more sent).
          await audit.append([
            audit.entry('forward', call.who, {
              ...where,
              detail: {
                attempt: attempt.number,
                clientRequestId: attempt.clientRequestId,
                replica: this.options.replica,
                ...(call.approval ? { approval: call.approval } : {}),
              },
            }),
          ]);
          attempts = attempt.number;
        },
      };
      const answer = call.action
        ? await this.options.graph.forwardJobAction(
            call.servicePrincipalId,
            call.jobId,
            call.action,
            call.body,
            send,
          )
        : await this.options.graph.forwardProvisionOnDemand(
            call.servicePrincipalId,
            call.jobId,
            call.body,
            send,
          );
      metrics.upstreamSeconds.observe((performance.now() - started) / 1000);
      const graphRequestId = readHeader(answer.headers, 'request-id') ?? null;
      if (OUTCOME_UNKNOWN_STATUSES.has(answer.status)) {
        await outcome(
          { status: answer.status, sent: 'unknown', attempts, error: answer.error?.code ?? null },
          graphRequestId,
        );
        return {
          sent: 'unknown',
          graphRequestId,
          answer: mayHaveRun(`a gateway in front of Graph answered ${answer.status} after the call was sent`),
        };
      }
      await outcome(
        { status: answer.status, sent: 'yes', attempts, ...summary(answer, call.action) },
        graphRequestId,
      );
      return { sent: 'yes', answer: asGraphGaveIt(answer, graphRequestId), graphRequestId };
    } catch (error) {
      metrics.upstreamSeconds.observe((performance.now() - started) / 1000);
      if (!(error instanceof TransportError)) {
        // The audit log or the approval's claim refused an attempt before it left: nothing more was
        // sent, and earlier attempts, if any, were turned away by Graph (429, 503), so nothing ran.
        const audit = error instanceof AuditUnavailable;
        await outcome({ status: 503, sent: 'no', attempts, error: audit ? 'audit_unavailable' : 'not_sent' });
        return notSentBecause(
          503,
          'ServiceUnavailable',
          audit
            ? 'The audit log cannot be written, so nothing is forwarded. Try again later.'
            : `Nothing was sent to Graph: ${(error as Error).message}. Try again later.`,
          { 'Retry-After': '5' },
        );
      }
      if (error instanceof OutcomeUnknownError) {
        await outcome({ status: null, sent: 'unknown', attempts, lost: error.details.lost ?? null });
        return { sent: 'unknown', graphRequestId: null, answer: mayHaveRun(error.what) };
      }
      const refused = notSentFor(error);
      await outcome({ status: refused.answer.status, sent: 'no', attempts, error: error.code });
      return refused;
    } finally {
      this.#queued -= 1;
      const left = (this.#queuedBy.get(principal) ?? 1) - 1;
      if (left > 0) this.#queuedBy.set(principal, left);
      else this.#queuedBy.delete(principal);
    }
  }
}

/** What the audit keeps of Graph's answer: the status, and what the decoder could read of it. */
function summary(answer: GraphAnswer, action: JobAction | undefined): Record<string, unknown> {
  if (answer.error) return { error: answer.error.code };
  // A job action's success is its status (204): there is nothing more to read.
  if (action) return { action };
  const decoded = tryDecodeProvisionResponse(tryJson(answer.text));
  // A shape the decoder does not know yet still reaches the caller as Graph sent it.
  if (!decoded.ok)
    return { decoded: false, note: `the answer could not be decoded: ${decoded.error.message}` };
  return {
    result: decoded.value.result,
    errorCode: decoded.value.details.errorCode ?? null,
    action: decoded.value.report.action ?? null,
  };
}

/** Nothing reached Graph. */
function notSentBecause(...args: Parameters<typeof notSent>): Forwarded {
  return { sent: 'no', graphRequestId: null, answer: notSent(...args) };
}

/** Graph never had the call (no token, the limiter's store away, no connection): say so, and that nothing ran. */
function notSentFor(error: TransportError): Forwarded {
  switch (error.code) {
    case 'rate_limiter':
      // Without the shared limiter nobody can tell whether a call fits Graph's window: send nothing.
      return notSentBecause(
        503,
        'ServiceUnavailable',
        'The shared rate limiter (Redis) cannot be reached, so nothing was sent to Graph. Try again later.',
        { 'Retry-After': '5' },
      );
    case 'auth':
    case 'config':
      return notSentBecause(
        502,
        'BadGateway',
        "The proxy could not sign in to Graph, so nothing was sent. Its operator should check the proxy's Graph credentials.",
      );
    case 'timeout':
      return notSentBecause(
        504,
        'GatewayTimeout',
        `Graph could not be reached in time; nothing was sent: ${error.message}`,
      );
    default:
      return notSentBecause(
        502,
        'BadGateway',
        `Graph could not be reached; nothing was sent: ${error.message}`,
      );
  }
}
