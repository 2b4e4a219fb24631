import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type DecodedProvisionResponse,
  decodeProvisionResponse,
  type LimiterSnapshot,
  type LimiterStore,
  LimiterStoreError,
  MemoryLimiterStore,
  PROVISION_ON_DEMAND_LIMIT,
  parseGraphError,
  ResponseDecodeError,
  SlidingWindowLimiter,
  validateProvisionRequest,
} from '@ondemand/core';
import { type Dispatcher, request } from 'undici';
import type { z } from 'zod';
import { type CloudName, resolveEndpoints } from './clouds.js';
import type { DeviceCodePrompt } from './credentials/msal-credentials.js';
import { resolveCredential } from './credentials/resolve-credential.js';
import { CachingCredential, type TokenCredential } from './credentials/token-credential.js';
import {
  AuthError,
  GraphRequestError,
  NetworkError,
  RateLimiterUnavailableError,
  RequestValidationError,
  ThrottledError,
  TimeoutError,
  TransportError,
} from './errors.js';
import {
  collectionPageSchema,
  type DirectoryGroup,
  type DirectoryUser,
  groupSchema,
  type ServicePrincipal,
  type SynchronizationJob,
  type SynchronizationSchema,
  servicePrincipalSchema,
  synchronizationJobSchema,
  synchronizationSchemaSchema,
  userSchema,
} from './graph-schemas.js';
import { createDispatcher } from './http/dispatcher.js';
import {
  backoffMs,
  DEFAULT_RETRY,
  isRetryableNetworkError,
  isRetryableStatus,
  type RetryOptions,
} from './http/retry-policy.js';
import { whenHeadersSent } from './http/sent-at.js';

export interface GraphClientOptions {
  /** `global` (default), `usgov` (L4) or `dod` (L5). `china` is refused: the API is not there. */
  cloud?: CloudName;
  /** A Graph stand-in (the simulator, the proxy): `https://127.0.0.1:8443` or `…/v1.0`. */
  baseUrl?: string;
  /** Its authority host, when it differs from `baseUrl`. */
  loginUrl?: string;
  apiVersion?: 'v1.0' | 'beta';
  /** Falls back to AZURE_TENANT_ID. */
  tenantId?: string;
  /** Falls back to AZURE_CLIENT_ID. */
  clientId?: string;
  /** An app secret (falls back to AZURE_CLIENT_SECRET). */
  clientSecret?: string;
  /** PEM text of a certificate and its private key (falls back to the file at AZURE_CLIENT_CERTIFICATE_PATH). */
  certificate?: string;
  /** Sign an operator in with a device code; called with what to show them. */
  deviceCode?: { onPrompt: (prompt: DeviceCodePrompt) => void };
  /** An API key for the ondemand proxy, sent as the bearer token. */
  apiKey?: string;
  /** Any credential with `getToken` (`@azure/identity`'s shape); wins over the options above. */
  credential?: TokenCredential;
  /** Extra CA certificates to trust (PEM): the simulator's, a private endpoint's. */
  ca?: string | string[];
  /**
   * provisionOnDemand pacing; default Graph's 5 per 10 000 ms. `marginMs` (default 2% of the window)
   * is added to each window to absorb the jitter between sending and Graph counting. `false`: off.
   */
  rateLimit?: { limit: number; windowMs: number; marginMs?: number } | false;
  /** Where the limiter keeps its grants (memory by default; a shared store for several processes). */
  limiterStore?: LimiterStore;
  retry?: RetryOptions;
  /** Per attempt (default 30 000 ms). */
  timeoutMs?: number;
  /** The environment to read AZURE_* from (default `process.env`). */
  env?: Record<string, string | undefined>;
}

/** A provisionOnDemand answer, decoded, with what support asks for. */
export interface ProvisionResult extends DecodedProvisionResponse {
  /** Graph's body as it came. */
  raw: unknown;
  requestId: string | undefined;
  clientRequestId: string;
  /** Attempts it took (1 without retries). */
  attempts: number;
}

export interface CallOptions {
  signal?: AbortSignal;
}

/** A request the ondemand proxy holds for a second person's approval. */
export interface PendingApproval {
  id: string;
  state: string;
  /** Where to read it: `/approvals/{id}` on the proxy. */
  url: string;
  required?: { count: number; roles: string[] };
  expiresAt?: string;
}

export interface ProvisionOptions extends CallOptions {
  /** Called when the proxy answers 202 (held for approval), and again as its state changes. */
  onPending?: (approval: PendingApproval) => void;
  /**
   * Awaited once, after the rate limiter's grant and before the request is first written: the
   * last moment at which the call has certainly not reached Graph (a proxy records it, so a crash
   * before it can run the call again safely). If it throws, nothing is sent.
   */
  beforeSend?: () => Promise<void>;
}

interface SendRequest {
  method: Dispatcher.HttpMethod;
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal | undefined;
  /** Calls that count against provisionOnDemand's limit, per app. */
  limiterKey?: string;
  /** Whether sending again after a timeout is safe (reads are; provisioning is not assumed to be). */
  idempotent: boolean;
  beforeSend?: (() => Promise<void>) | undefined;
}

interface SendResult {
  status: number;
  json: unknown;
  requestId: string | undefined;
  clientRequestId: string;
  attempts: number;
}

/**
 * A Graph client made for provisionOnDemand: it validates bodies before sending, paces calls so a
 * burst is queued rather than throttled, retries what is worth retrying, and types every error.
 *
 * @example
 * const graph = createGraphClient({ tenantId, clientId, clientSecret });
 * const result = await graph.provisionOnDemand(spId, jobId, userRequest({ ruleId, userId }));
 * console.log(result.result, result.report.action);
 */
export class GraphClient {
  readonly graphBaseUrl: string;
  readonly #credential: CachingCredential;
  readonly #scope: string;
  readonly #dispatcher: Dispatcher & { close(): Promise<void> };
  readonly #retry: Required<RetryOptions>;
  readonly #timeoutMs: number;
  readonly #rateLimit: { limit: number; windowMs: number; marginMs?: number } | false;
  readonly #limiterStore: LimiterStore;
  readonly #limiters = new Map<string, SlidingWindowLimiter>();

  constructor(options: GraphClientOptions = {}) {
    const endpoints = resolveEndpoints(options);
    this.graphBaseUrl = endpoints.graphBaseUrl;
    this.#scope = endpoints.scope;
    this.#dispatcher = createDispatcher({ ca: options.ca });
    this.#credential = new CachingCredential(resolveCredential(options, endpoints, this.#dispatcher));
    this.#retry = { ...DEFAULT_RETRY, ...options.retry };
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#rateLimit = options.rateLimit ?? PROVISION_ON_DEMAND_LIMIT;
    this.#limiterStore = options.limiterStore ?? new MemoryLimiterStore();
  }

  /**
   * Provisions the subjects in `body` now. Validates the body first (a {@link RequestValidationError}
   * lists every problem), waits for the app's rate window, and resolves to the decoded answer; a
   * `Skipped` result resolves, it does not reject.
   */
  async provisionOnDemand(
    servicePrincipalId: string,
    jobId: string,
    body: unknown,
    options: ProvisionOptions = {},
  ): Promise<ProvisionResult> {
    const checked = validateProvisionRequest(body);
    if (!checked.ok) throw new RequestValidationError(checked.issues);
    const answer = await this.#send({
      method: 'POST',
      url: `${this.#jobUrl(servicePrincipalId, jobId)}/provisionOnDemand`,
      body: checked.value,
      signal: options.signal,
      limiterKey: servicePrincipalId.toLowerCase(),
      idempotent: false,
      beforeSend: options.beforeSend,
    });
    if (answer.status === 202) return this.#awaitApproval(answer, options);
    return this.#decoded(answer);
  }

  /** Follows a request the proxy holds for approval until it is decided, then decodes what ran. */
  async #awaitApproval(held: SendResult, options: ProvisionOptions): Promise<ProvisionResult> {
    const origin = new URL(this.graphBaseUrl).origin;
    let approval = held.json as PendingApproval & {
      result?: { status: number; body: unknown; graphRequestId: string | null } | null;
      reviews?: Array<{ principal: string; decision: string; reason: string }>;
    };
    const url = `${origin}/approvals/${encodeURIComponent(approval.id)}`;
    for (;;) {
      options.onPending?.({ ...approval, url });
      if (!['pending', 'approved', 'executing'].includes(approval.state)) break;
      // Long-poll: the proxy answers as soon as the approval is decided, or after 25 s.
      const next = await this.#send({
        method: 'GET',
        url,
        headers: { Prefer: 'wait=25' },
        signal: options.signal,
        idempotent: true,
      });
      approval = next.json as typeof approval;
    }
    const last = approval.reviews?.at(-1);
    if (approval.state === 'completed' && approval.result) {
      return this.#decoded({
        status: approval.result.status,
        json: approval.result.body,
        requestId: approval.result.graphRequestId ?? undefined,
        clientRequestId: held.clientRequestId,
        attempts: held.attempts,
      });
    }
    const why =
      approval.state === 'denied'
        ? `denied by ${last?.principal ?? 'an approver'}: ${last?.reason ?? 'no reason given'}`
        : approval.state === 'expired'
          ? 'nobody approved it in time: ask again'
          : approval.state === 'failed'
            ? `it was approved, but Graph answered ${approval.result?.status}: ${JSON.stringify(approval.result?.body).slice(0, 300)}`
            : `it stopped in the state "${approval.state}"`;
    throw new GraphRequestError('graph', `the proxy held this request for approval (${url}) and ${why}`, {
      status: approval.result?.status ?? 403,
      clientRequestId: held.clientRequestId,
      graphBody: approval.result?.body,
    });
  }

  #decoded(answer: SendResult): ProvisionResult {
    try {
      const decoded = decodeProvisionResponse(answer.json);
      return {
        ...decoded,
        raw: answer.json,
        requestId: answer.requestId,
        clientRequestId: answer.clientRequestId,
        attempts: answer.attempts,
      };
    } catch (error) {
      if (error instanceof ResponseDecodeError) {
        throw new GraphRequestError(
          'graph',
          `Graph's answer could not be decoded (${error.message}); request-id ${answer.requestId}`,
          { requestId: answer.requestId, clientRequestId: answer.clientRequestId },
          { cause: error },
        );
      }
      throw error;
    }
  }

  /** The app's synchronization jobs. */
  listSynchronizationJobs(
    servicePrincipalId: string,
    options: CallOptions = {},
  ): AsyncIterable<SynchronizationJob> {
    return this.#pages(
      `${this.graphBaseUrl}/servicePrincipals/${encodeURIComponent(servicePrincipalId)}/synchronization/jobs`,
      synchronizationJobSchema,
      options,
    );
  }

  /** A job's schema; `synchronizationRules[].id` are the rule ids provisionOnDemand takes. */
  async getSynchronizationSchema(
    servicePrincipalId: string,
    jobId: string,
    options: CallOptions = {},
  ): Promise<SynchronizationSchema> {
    const answer = await this.#send({
      method: 'GET',
      url: `${this.#jobUrl(servicePrincipalId, jobId)}/schema`,
      signal: options.signal,
      idempotent: true,
    });
    return this.#parse(synchronizationSchemaSchema, answer, 'the job schema');
  }

  /** Service principals, optionally by display name (`search` matches the start of words). */
  findServicePrincipals(
    query: { search?: string; filter?: string; top?: number } = {},
    options: CallOptions = {},
  ): AsyncIterable<ServicePrincipal> {
    const url = this.#listUrl('servicePrincipals', servicePrincipalSchema, query);
    if (query.filter) url.searchParams.set('$filter', query.filter);
    if (query.search) url.searchParams.set('$search', `"displayName:${query.search.replaceAll('"', '')}"`);
    return this.#pages(
      url.toString(),
      servicePrincipalSchema,
      options,
      query.search ? { ConsistencyLevel: 'eventual' } : {},
    );
  }

  /** Users whose name, user name or mail starts with `text` (all users when empty). */
  searchUsers(
    text: string,
    query: { top?: number } = {},
    options: CallOptions = {},
  ): AsyncIterable<DirectoryUser> {
    return this.#search(
      'users',
      text,
      ['displayName', 'userPrincipalName', 'mail'],
      userSchema,
      query,
      options,
    );
  }

  /** Groups whose name starts with `text` (all groups when empty). */
  searchGroups(
    text: string,
    query: { top?: number } = {},
    options: CallOptions = {},
  ): AsyncIterable<DirectoryGroup> {
    return this.#search('groups', text, ['displayName', 'mailNickname'], groupSchema, query, options);
  }

  /** A group's direct members (users). */
  listGroupMembers(
    groupId: string,
    query: { top?: number } = {},
    options: CallOptions = {},
  ): AsyncIterable<DirectoryUser> {
    const url = this.#listUrl(`groups/${encodeURIComponent(groupId)}/members`, userSchema, query);
    return this.#pages(url.toString(), userSchema, options);
  }

  /**
   * A read-only Graph call by path and query (`/servicePrincipals?$top=5`), answered as Graph gave it:
   * what a proxy passes through. Retries and errors as for every call.
   */
  async get(
    pathAndQuery: string,
    options: CallOptions & { headers?: Record<string, string> } = {},
  ): Promise<{ json: unknown; requestId: string | undefined }> {
    const answer = await this.#send({
      method: 'GET',
      url: `${this.graphBaseUrl}${pathAndQuery}`,
      signal: options.signal,
      idempotent: true,
      ...(options.headers ? { headers: options.headers } : {}),
    });
    return { json: answer.json, requestId: answer.requestId };
  }

  /** Resolves when a token can be had (a readiness check); rejects with the sign-in error otherwise. */
  async checkSignIn(): Promise<void> {
    const token = await this.#credential.getToken(this.#scope);
    if (!token) throw new AuthError('the credential gave no token: check that it can sign in to this tenant');
  }

  /** The app's rate window now ("2 of 5 calls left; next in 4 s"). */
  limiterSnapshot(servicePrincipalId: string): Promise<LimiterSnapshot> | undefined {
    return this.#limiter(servicePrincipalId.toLowerCase())?.snapshot();
  }

  /** Closes the connection pool. */
  async close(): Promise<void> {
    await this.#dispatcher.close();
  }

  #jobUrl(servicePrincipalId: string, jobId: string): string {
    // Job ids are not GUIDs (`gitHubEnterpriseCloud.6855….16d1…`): encode, never validate their form.
    return `${this.graphBaseUrl}/servicePrincipals/${encodeURIComponent(servicePrincipalId)}/synchronization/jobs/${encodeURIComponent(jobId)}`;
  }

  #limiter(key: string): SlidingWindowLimiter | undefined {
    if (this.#rateLimit === false) return undefined;
    let limiter = this.#limiters.get(key);
    if (!limiter) {
      // Calls reach Graph a little later than they leave, and not all equally late: a window a little
      // longer than Graph's keeps that jitter from making Graph count six calls in one of its windows.
      const windowMs =
        this.#rateLimit.windowMs + (this.#rateLimit.marginMs ?? Math.ceil(this.#rateLimit.windowMs * 0.02));
      limiter = new SlidingWindowLimiter({
        limit: this.#rateLimit.limit,
        windowMs,
        store: this.#limiterStore,
        key: `provisionOnDemand:${key}`,
      });
      this.#limiters.set(key, limiter);
    }
    return limiter;
  }

  /** A collection's URL asking for just the properties `schema` reads (`$select`), `$top` when given. */
  #listUrl(path: string, schema: z.ZodObject, query: { top?: number | undefined }): URL {
    const url = new URL(`${this.graphBaseUrl}/${path}`);
    url.searchParams.set('$select', Object.keys(schema.shape).join(','));
    if (query.top) url.searchParams.set('$top', String(query.top));
    return url;
  }

  #search<T>(
    collection: string,
    text: string,
    properties: string[],
    schema: z.ZodObject & z.ZodType<T>,
    query: { top?: number },
    options: CallOptions,
  ): AsyncIterable<T> {
    const url = this.#listUrl(collection, schema, query);
    const cleaned = text.trim().replaceAll('"', '');
    if (cleaned)
      url.searchParams.set('$search', properties.map((property) => `"${property}:${cleaned}"`).join(' OR '));
    return this.#pages(url.toString(), schema, options, cleaned ? { ConsistencyLevel: 'eventual' } : {});
  }

  async *#pages<T>(
    firstUrl: string,
    schema: z.ZodType<T>,
    options: CallOptions,
    headers: Record<string, string> = {},
  ): AsyncGenerator<T> {
    let next: string | undefined = firstUrl;
    while (next) {
      const answer = await this.#send({
        method: 'GET',
        url: next,
        headers,
        signal: options.signal,
        idempotent: true,
      });
      const page = this.#parse(collectionPageSchema, answer, 'a list');
      for (const item of page.value)
        yield this.#parse(schema, { ...answer, json: item }, 'an item of a list');
      next = page['@odata.nextLink'] ?? undefined;
    }
  }

  #parse<T>(schema: z.ZodType<T>, answer: SendResult, what: string): T {
    const parsed = schema.safeParse(answer.json);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0]!;
    throw new GraphRequestError(
      'graph',
      `Graph's answer for ${what} is not what Graph sends (${issue.path.join('.') || 'body'}: ${issue.message}); request-id ${answer.requestId}`,
      { requestId: answer.requestId },
    );
  }

  async #send(call: SendRequest): Promise<SendResult> {
    // Once, before the first attempt is written (retries are past that point already).
    let beforeSend = call.beforeSend;
    const clientRequestId = randomUUID();
    const started = Date.now();
    let attempts = 0;
    let refreshedToken = false;
    for (;;) {
      attempts += 1;
      // The token comes first: a grant must be spent at once, not while a sign-in is under way,
      // or calls granted in different windows reach Graph together.
      const token = await this.#credential.getToken(
        this.#scope,
        call.signal ? { abortSignal: call.signal } : undefined,
      );
      if (!token)
        throw new AuthError('the credential gave no token: check that it can sign in to this tenant');
      const limiter = call.limiterKey ? this.#limiter(call.limiterKey) : undefined;
      let stopWatching = () => {};
      try {
        const grant = await limiter?.acquire(call.signal);
        // A shared store out of reach only loses the re-timing: the call itself goes on.
        if (grant)
          stopWatching = whenHeadersSent(clientRequestId, (at) => void grant.retime(at).catch(() => {}));
      } catch (error) {
        if (error instanceof LimiterStoreError)
          throw new RateLimiterUnavailableError(
            `${error.message}: nothing was sent to Graph; try again when the limiter's store answers`,
            { cause: error },
          );
        throw abortedOr(error, call.signal);
      }
      if (beforeSend) {
        const announce = beforeSend;
        beforeSend = undefined;
        try {
          await announce();
        } catch (error) {
          stopWatching();
          throw error;
        }
      }

      const timeout = AbortSignal.timeout(this.#timeoutMs);
      let status: number;
      let text: string;
      let headers: Record<string, string | string[] | undefined>;
      try {
        const response = await request(call.url, {
          method: call.method,
          dispatcher: this.#dispatcher,
          signal: call.signal ? AbortSignal.any([call.signal, timeout]) : timeout,
          headers: {
            authorization: `Bearer ${token.token}`,
            'client-request-id': clientRequestId,
            'return-client-request-id': 'true',
            accept: 'application/json',
            'user-agent': 'ondemand',
            ...(call.body === undefined ? {} : { 'content-type': 'application/json' }),
            ...call.headers,
          },
          body: call.body === undefined ? undefined : JSON.stringify(call.body),
        });
        status = response.statusCode;
        headers = response.headers;
        text = await response.body.text();
      } catch (error) {
        stopWatching();
        if (call.signal?.aborted) throw abortedOr(error, call.signal);
        const elapsed = Date.now() - started;
        if (timeout.aborted) {
          if (call.idempotent && attempts <= this.#retry.maxRetries && elapsed < this.#retry.maxTotalMs)
            continue;
          throw new TimeoutError(
            'timeout',
            `Graph did not answer within ${this.#timeoutMs} ms (${call.method} ${pathOf(call.url)}): try again, or raise the timeout`,
            { clientRequestId, attempts },
            { cause: error },
          );
        }
        if (isRetryableNetworkError(error) && attempts <= this.#retry.maxRetries) {
          const wait = backoffMs(attempts, undefined, this.#retry);
          if (elapsed + wait < this.#retry.maxTotalMs) {
            await pause(wait, call.signal);
            continue;
          }
        }
        throw new NetworkError(
          'network',
          `could not reach Graph at ${new URL(call.url).origin} (${(error as { code?: string }).code ?? (error as Error).message}): check the URL, the network and the CA to trust`,
          { clientRequestId, attempts },
          { cause: error },
        );
      }

      stopWatching();
      const requestId = header(headers, 'request-id');
      if (status >= 200 && status < 300) {
        let json: unknown;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch (error) {
          throw new GraphRequestError(
            'graph',
            `Graph answered ${status} with a body that is not JSON; request-id ${requestId}`,
            { status, requestId, clientRequestId },
            { cause: error },
          );
        }
        return { status, json, requestId, clientRequestId, attempts };
      }

      const info = parseGraphError(status, headers, text);
      if (status === 401 && !refreshedToken) {
        // The token may have expired or been revoked since it was cached: one fresh token, one more try.
        refreshedToken = true;
        this.#credential.invalidate(this.#scope);
        continue;
      }
      // If a shared store cannot take the pause, the retry below still waits Retry-After itself.
      if (status === 429 && limiter)
        await limiter.reportRetryAfter(info.retryAfterMs ?? 1_000).catch(() => {});
      const details = {
        status,
        graphCode: info.code,
        requestId: info.requestId ?? requestId,
        clientRequestId,
        retryAfterMs: info.retryAfterMs,
        attempts,
        graphBody: tryJson(text),
      };
      if (isRetryableStatus(status) && attempts <= this.#retry.maxRetries) {
        // A throttled provisionOnDemand waits in the limiter, which now holds every caller until Retry-After.
        const wait = status === 429 && limiter ? 0 : backoffMs(attempts, info.retryAfterMs, this.#retry);
        if (Date.now() - started + (info.retryAfterMs ?? wait) < this.#retry.maxTotalMs) {
          if (wait > 0) await pause(wait, call.signal);
          continue;
        }
      }
      throw errorFor(status, info.code, info.message, details, call);
    }
  }
}

/** Creates a {@link GraphClient}; see {@link GraphClientOptions}. */
export function createGraphClient(options: GraphClientOptions = {}): GraphClient {
  return new GraphClient(options);
}

function errorFor(
  status: number,
  code: string,
  message: string,
  details: TransportError['details'],
  call: SendRequest,
): TransportError {
  const where = `${call.method} ${pathOf(call.url)}`;
  const ids = `request-id ${details.requestId ?? 'none'}`;
  switch (true) {
    case status === 401:
      return new AuthError(
        `Graph refused the access token (${code}: ${message}): check the tenant, the cloud, and that the app's credentials are current; ${ids}`,
        details,
      );
    case status === 403:
      return new GraphRequestError(
        'graph',
        `Graph denied ${where} (${code}: ${message}). Grant the app Synchronization.ReadWrite.All (or Application.ReadWrite.OwnedBy as an owner of the app) with admin consent; a signed-in user needs Application Administrator, Cloud Application Administrator, or Hybrid Identity Administrator for cloud sync; ${ids}`,
        details,
      );
    case status === 404:
      return new GraphRequestError(
        'graph',
        `Graph found nothing at ${where} (${code}: ${message}): check the service principal id and the job id; ${ids}`,
        details,
      );
    case status === 429:
      return new ThrottledError(
        'throttled',
        `Graph is still throttling after ${details.attempts} attempts (${code}): wait ${Math.ceil((details.retryAfterMs ?? 10_000) / 1000)} s and try again; another client may be using this app's 5-per-10 s budget; ${ids}`,
        details,
      );
    case status >= 500:
      return new GraphRequestError(
        'graph',
        `Graph failed on ${where} with ${status} (${code}: ${message}) after ${details.attempts} attempts: try again later; ${ids}`,
        details,
      );
    default:
      return new GraphRequestError(
        'graph',
        `Graph refused ${where} with ${status} (${code}: ${message}); ${ids}`,
        details,
      );
  }
}

function abortedOr(error: unknown, signal: AbortSignal | undefined): TransportError {
  if (error instanceof TransportError) return error;
  const reason = signal?.reason instanceof Error ? signal.reason.message : 'the call was cancelled';
  return new TransportError('aborted', `cancelled: ${reason}`, {}, { cause: error });
}

async function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await sleep(ms, undefined, signal ? { signal } : undefined);
  } catch (error) {
    throw abortedOr(error, signal);
  }
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function pathOf(url: string): string {
  return new URL(url).pathname;
}
