import {
  APPROVAL_REFUSALS,
  type ApprovalFilters,
  type ApprovalRefusal,
  type ApprovalView,
  type AuditEntryView,
  type AuditFilters,
  approvalPath,
  approvalViewSchema,
  auditEntrySchema,
  type ChainVerdict,
  chainVerdictSchema,
  isFinalApprovalState,
  readHeader,
  tryJson,
} from '@ondemand/core';
import { z } from 'zod';
import { LONG_POLL_SECONDS } from './approval-follow-up.js';
import { StaticTokenCredential } from './credentials/resolve-credential.js';
import { CachingCredential } from './credentials/token-credential.js';
import { AuthError, TransportError } from './errors.js';
import { pause } from './http/cancellable-pause.js';
import { createDispatcher } from './http/dispatcher.js';
import { type GraphAnswer, GraphExchange } from './http/graph-exchange.js';
import { DEFAULT_RETRY } from './http/retry-policy.js';

export interface ProxyClientOptions {
  /** The proxy's address: `https://ondemand.example.com`. */
  baseUrl: string;
  apiKey: string;
  /** Extra CA certificates to trust (PEM): the proxy's own CA. */
  ca?: string | string[] | undefined;
  /** Per call (default 40 000 ms: a long-poll holds a call 25 s). */
  timeoutMs?: number;
}

export type { ApprovalFilters, AuditFilters };

export interface ProxyCallOptions {
  signal?: AbortSignal;
}

/**
 * The proxy refused what was asked (a review of one's own request, a role one lacks, a request no
 * longer pending, an approval one may not see). `status` is the proxy's: 403, 404 or 409.
 */
export class ProxyRefusedError extends TransportError {
  override readonly name = 'ProxyRefusedError';
  constructor(
    /** Why, as the proxy names it; `undefined` from a proxy that does not say. */
    readonly reason: ApprovalRefusal | undefined,
    message: string,
    details: TransportError['details'],
  ) {
    super('graph', message, details);
  }
}

const pageSchema = <T extends z.ZodType>(item: T) =>
  z.object({ value: z.array(item), '@odata.nextLink': z.string().optional() });

/**
 * The ondemand proxy's own API, for approvers, requesters and auditors: approvals (list, read, wait
 * for, review, withdraw; the list watched live) and the audit log (query, follow, verify). Errors are
 * typed: a bad key is an {@link AuthError}, a refusal a {@link ProxyRefusedError}.
 */
export class ProxyClient {
  readonly baseUrl: string;
  readonly #dispatcher: ReturnType<typeof createDispatcher>;
  readonly #exchange: GraphExchange;

  constructor(options: ProxyClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#dispatcher = createDispatcher({ ca: options.ca });
    this.#exchange = new GraphExchange({
      credential: new CachingCredential(new StaticTokenCredential(options.apiKey)),
      scope: 'ondemand-proxy',
      dispatcher: this.#dispatcher,
      retry: DEFAULT_RETRY,
      timeoutMs: options.timeoutMs ?? 40_000,
      peer: 'the ondemand proxy',
    });
  }

  /** One page of approvals, newest first, and the link to the next. */
  async listApprovals(
    filters: ApprovalFilters = {},
    options: ProxyCallOptions = {},
  ): Promise<{ approvals: ApprovalView[]; next: string | undefined }> {
    const answer = await this.#call('GET', `/approvals${query(filters)}`, options);
    const page = this.#parse(pageSchema(approvalViewSchema), answer, 'a list of approvals');
    return { approvals: page.value, next: page['@odata.nextLink'] };
  }

  /**
   * The first page of approvals now, and again each time it changes (a new request, a review, a
   * decision), until `signal` aborts: the proxy holds each call until the page differs from the one
   * seen (If-None-Match with Prefer: wait).
   */
  async *watchApprovals(filters: ApprovalFilters = {}, options: ProxyCallOptions = {}) {
    let etag: string | undefined;
    for (;;) {
      const answer = await this.#call('GET', `/approvals${query(filters)}`, options, {
        ...(etag ? { 'If-None-Match': etag, Prefer: `wait=${LONG_POLL_SECONDS}` } : {}),
      });
      if (answer.status === 304) continue;
      etag = readHeader(answer.headers, 'etag');
      yield this.#parse(pageSchema(approvalViewSchema), answer, 'a list of approvals').value;
    }
  }

  async getApproval(id: string, options: ProxyCallOptions & { waitSeconds?: number } = {}) {
    const answer = await this.#call(
      'GET',
      approvalPath(id),
      options,
      options.waitSeconds ? { Prefer: `wait=${options.waitSeconds}` } : {},
    );
    return this.#parse(approvalViewSchema, answer, 'an approval');
  }

  /** Follows an approval until it is final (it ran, or never will), telling `onChange` each state. */
  async waitForApproval(
    id: string,
    options: ProxyCallOptions & { onChange?: (approval: ApprovalView) => void } = {},
  ): Promise<ApprovalView> {
    let approval = await this.getApproval(id, options);
    options.onChange?.(approval);
    while (!isFinalApprovalState(approval.state)) {
      const next = await this.getApproval(id, { ...options, waitSeconds: LONG_POLL_SECONDS });
      if (next.state !== approval.state || next.reviews.length !== approval.reviews.length)
        options.onChange?.(next);
      approval = next;
    }
    return approval;
  }

  review(id: string, decision: 'approve' | 'deny', reason: string, options: ProxyCallOptions = {}) {
    return this.#approvalAction(id, decision, { reason }, options);
  }

  withdraw(id: string, options: ProxyCallOptions = {}) {
    return this.#approvalAction(id, 'withdraw', {}, options);
  }

  /** One page of the audit log, oldest first from `after` (an entry's `seq`). */
  async queryAudit(
    filters: AuditFilters & { after?: number } = {},
    options: ProxyCallOptions = {},
  ): Promise<{ entries: AuditEntryView[]; next: string | undefined }> {
    const { after, ...rest } = filters;
    const answer = await this.#call(
      'GET',
      `/audit${query({ ...rest, ...(after ? { cursor: after } : {}) })}`,
      options,
    );
    const page = this.#parse(pageSchema(auditEntrySchema), answer, 'audit entries');
    return { entries: page.value, next: page['@odata.nextLink'] };
  }

  /**
   * Every entry that matches, then (with `follow`) each new one as it is written, polling every
   * `pollMs` (default 1 000) until `signal` aborts.
   */
  async *auditEntries(
    filters: AuditFilters = {},
    options: ProxyCallOptions & { follow?: boolean; pollMs?: number } = {},
  ): AsyncGenerator<AuditEntryView> {
    let after = 0;
    for (;;) {
      const page = await this.queryAudit({ ...filters, after }, options);
      for (const entry of page.entries) {
        after = entry.seq;
        yield entry;
      }
      if (page.next) continue;
      if (!options.follow) return;
      await pause(options.pollMs ?? 1_000, options.signal);
    }
  }

  async verifyAudit(options: ProxyCallOptions = {}): Promise<ChainVerdict> {
    return this.#parse(chainVerdictSchema, await this.#call('GET', '/audit/verify', options), 'a verdict');
  }

  async close(): Promise<void> {
    await this.#dispatcher.close();
  }

  async #approvalAction(
    id: string,
    action: 'approve' | 'deny' | 'withdraw',
    body: Record<string, string>,
    options: ProxyCallOptions,
  ): Promise<ApprovalView> {
    const answer = await this.#call('POST', `${approvalPath(id)}/${action}`, options, {}, body);
    return this.#parse(approvalViewSchema, answer, 'an approval');
  }

  async #call(
    method: 'GET' | 'POST',
    path: string,
    options: ProxyCallOptions,
    headers: Record<string, string> = {},
    body?: unknown,
  ): Promise<GraphAnswer> {
    const answer = await this.#exchange.run({
      method,
      url: `${this.baseUrl}${path}`,
      headers,
      body,
      signal: options.signal,
      // Reads and reviews may go again: a second identical review is refused, never counted twice.
      resendable: true,
    });
    if (answer.status < 400) return answer;
    const message = answer.error?.message ?? `the proxy answered ${answer.status}`;
    const details = { status: answer.status, graphCode: answer.error?.code, requestId: answer.requestId };
    if (answer.status === 401)
      throw new AuthError(
        `the proxy refused the API key (${message}): check --api-key or ONDEMAND_API_KEY`,
        details,
      );
    if ([403, 404, 409].includes(answer.status))
      throw new ProxyRefusedError(refusalOf(answer), message, details);
    throw new TransportError(
      'graph',
      `the proxy answered ${method} ${path} with ${answer.status}: ${message}`,
      details,
    );
  }

  #parse<T>(schema: z.ZodType<T>, answer: GraphAnswer, what: string): T {
    const parsed = schema.safeParse(tryJson(answer.text));
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0]!;
    throw new TransportError(
      'graph',
      `the proxy answered with something that is not ${what} (${issue.path.join('.') || 'body'}: ${issue.message}): is ${this.baseUrl} an ondemand proxy?`,
      { status: answer.status, requestId: answer.requestId },
    );
  }
}

/** A {@link ProxyClient}; see {@link ProxyClientOptions}. */
export function createProxyClient(options: ProxyClientOptions): ProxyClient {
  return new ProxyClient(options);
}

/** The refusal's reason from the proxy's error body (`error.details[0].code`). */
function refusalOf(answer: GraphAnswer): ApprovalRefusal | undefined {
  const code = (tryJson(answer.text) as { error?: { details?: Array<{ code?: unknown }> } } | undefined)
    ?.error?.details?.[0]?.code;
  return APPROVAL_REFUSALS.find((reason) => reason === code);
}

function query(filters: object): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters) as Array<[string, unknown]>)
    if (value !== undefined) params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}
