import {
  type ApiVersion,
  type DecodedProvisionResponse,
  decodeProvisioningLogs,
  decodeProvisionResponse,
  decodeSynchronizationJob,
  type JobAction,
  type LimiterSnapshot,
  type LimiterStore,
  LogDecodeError,
  MemoryLimiterStore,
  OUTCOME_UNKNOWN_STATUSES,
  PROVISION_ON_DEMAND_LIMIT,
  type ProvisioningLogEntry,
  type ProvisioningLogQuery,
  provisioningLogFilter,
  REPORTS_LIMIT,
  ResponseDecodeError,
  SlidingWindowLimiter,
  type SynchronizationJobView,
  tryJson,
  validateProvisionRequest,
  withoutApiVersion,
} from '@ondemand/core';
import type { Dispatcher } from 'undici';
import type { z } from 'zod';
import { followApproval, HeldRequestNotRunError, type PendingApproval } from './approval-follow-up.js';
import { type CloudName, resolveEndpoints } from './clouds.js';
import { type CredentialOptions, resolveCredential } from './credentials/resolve-credential.js';
import { CachingCredential } from './credentials/token-credential.js';
import { AUDIT_LOG_GRANT, errorForAnswer } from './error-for-answer.js';
import { GraphRequestError, OutcomeUnknownError, RequestValidationError } from './errors.js';
import { jobActionPath, jobPath } from './graph-paths.js';
import {
  type AppRoleAssignment,
  appRoleAssignmentSchema,
  collectionPageSchema,
  type DirectoryGroup,
  type DirectoryObject,
  type DirectoryUser,
  directoryObjectSchema,
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
  type Attempt,
  type ExchangeRequest,
  type GraphAnswer,
  GraphExchange,
  pathOf,
} from './http/graph-exchange.js';
import { DEFAULT_RETRY, type RetryOptions } from './http/retry-policy.js';

/** What one provisionOnDemand rate window counts: each app apart, or all of a tenant's apps together. */
export type RateLimitScope = 'servicePrincipal' | 'tenant';

export interface GraphClientOptions extends CredentialOptions {
  /** `global` (default), `usgov` (L4) or `dod` (L5). `china` is refused: the API is not there. */
  cloud?: CloudName;
  /** A Graph stand-in (the simulator, the proxy): `https://127.0.0.1:8443` or `…/v1.0`. */
  baseUrl?: string;
  /** Its authority host, when it differs from `baseUrl`. */
  loginUrl?: string;
  /** The default for every call (each call may name its own). */
  apiVersion?: ApiVersion;
  /** Extra CA certificates to trust (PEM): the simulator's, a private endpoint's. */
  ca?: string | string[];
  /**
   * provisionOnDemand pacing; default Graph's 5 per 10 000 ms. `marginMs` (default 2% of the window)
   * is added to each window to absorb the jitter between sending and Graph counting. `false`: off.
   */
  rateLimit?: { limit: number; windowMs: number; marginMs?: number } | false;
  /**
   * Pacing of the provisioning-log reads, Graph's reports limit; default 5 per 10 000 ms (plus 2% as
   * above). Off when `rateLimit` is `false`, unless given.
   */
  reportsLimit?: { limit: number; windowMs: number; marginMs?: number } | false;
  /** Where the limiter keeps its grants (memory by default; a shared store for several processes). */
  limiterStore?: LimiterStore;
  /**
   * What one window counts. Graph's reference gives the limit as "5 requests per 10 seconds" without
   * saying over what. `servicePrincipal` (the default) assumes Graph counts each app on its own, so
   * several apps provision side by side at 5 each; `tenant` assumes it counts all of a tenant's apps
   * together: 5 per window in all, slower with many apps, and no app's calls can earn another a 429.
   */
  rateLimitScope?: RateLimitScope;
  retry?: RetryOptions;
  /** Per attempt (default 30 000 ms). */
  timeoutMs?: number;
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
  /** This call's Graph version, when it differs from the client's. */
  apiVersion?: ApiVersion;
}

/** A job action's options: through an ondemand proxy, a held action is followed until it runs. */
export interface JobActionOptions extends CallOptions {
  /** Called when the proxy answers 202 (held for approval), and again as its state changes. */
  onPending?: (approval: PendingApproval) => void;
}

export interface ProvisionOptions extends CallOptions {
  /** Called when the proxy answers 202 (held for approval), and again as its state changes. */
  onPending?: (approval: PendingApproval) => void;
  /**
   * Awaited before each attempt is written, after the rate limiter's grant: the last moment at which
   * that attempt has certainly not reached Graph (a proxy audits it, a crash before it is harmless).
   * If it throws, nothing more is sent.
   */
  beforeAttempt?: (attempt: Attempt) => Promise<void>;
  /** Overrides `retry.resendUnknownOutcome` for this call. */
  resendUnknownOutcome?: boolean;
}

/**
 * A Graph client made for provisionOnDemand: it validates bodies before sending, paces calls so a
 * burst is queued rather than throttled, retries what is worth retrying (and never sends a
 * provisioning call twice on its own), and types every error.
 *
 * @example
 * const graph = createGraphClient({ tenantId, clientId, clientSecret });
 * const result = await graph.provisionOnDemand(spId, jobId, userRequest({ ruleId, userId }));
 * console.log(result.result, result.report.action);
 */
export class GraphClient {
  /** Graph's root with the client's version: `https://graph.microsoft.com/v1.0`. */
  readonly graphBaseUrl: string;
  readonly #root: string;
  readonly #apiVersion: ApiVersion;
  readonly #credential: CachingCredential;
  readonly #scope: string;
  readonly #dispatcher: Dispatcher & { close(): Promise<void> };
  readonly #retry: Required<RetryOptions>;
  readonly #exchange: GraphExchange;
  readonly #rateLimit: { limit: number; windowMs: number; marginMs?: number } | false;
  readonly #limiterStore: LimiterStore;
  readonly #limiters = new Map<string, SlidingWindowLimiter>();
  readonly #reportsLimit: { limit: number; windowMs: number; marginMs?: number } | false;
  /** The limiter's key for an app: the app, or the tenant when the window counts all apps together. */
  readonly #windowKey: (servicePrincipalId: string) => string;
  /** An API key means an ondemand proxy: its refusals are worded as the proxy's, not Graph's. */
  readonly #viaProxy: boolean;

  constructor(options: GraphClientOptions = {}) {
    this.#viaProxy = options.apiKey !== undefined && options.credential === undefined;
    const endpoints = resolveEndpoints(options);
    this.graphBaseUrl = endpoints.graphBaseUrl;
    this.#apiVersion = options.apiVersion ?? 'v1.0';
    this.#root = withoutApiVersion(endpoints.graphBaseUrl);
    this.#scope = endpoints.scope;
    this.#dispatcher = createDispatcher({ ca: options.ca });
    this.#credential = new CachingCredential(resolveCredential(options, endpoints, this.#dispatcher));
    this.#retry = { ...DEFAULT_RETRY, ...options.retry };
    this.#exchange = new GraphExchange({
      credential: this.#credential,
      scope: this.#scope,
      dispatcher: this.#dispatcher,
      retry: this.#retry,
      timeoutMs: options.timeoutMs ?? 30_000,
      ...(this.#viaProxy ? { peer: 'the ondemand proxy' } : {}),
    });
    this.#rateLimit = options.rateLimit ?? PROVISION_ON_DEMAND_LIMIT;
    this.#reportsLimit = options.reportsLimit ?? (options.rateLimit === false ? false : REPORTS_LIMIT);
    const tenantKey = `tenant:${(options.tenantId ?? 'default').toLowerCase()}`;
    this.#windowKey =
      options.rateLimitScope === 'tenant'
        ? () => tenantKey
        : (servicePrincipalId) => servicePrincipalId.toLowerCase();
    this.#limiterStore = options.limiterStore ?? new MemoryLimiterStore();
  }

  /**
   * Provisions the subjects in `body` now. Validates the body first (a {@link RequestValidationError}
   * lists every problem), waits for the app's rate window, and resolves to the decoded answer; a
   * `Skipped` result resolves, it does not reject. If the answer is lost after the call was sent, it
   * rejects with an {@link OutcomeUnknownError} instead of sending it again.
   */
  async provisionOnDemand(
    servicePrincipalId: string,
    jobId: string,
    body: unknown,
    options: ProvisionOptions = {},
  ): Promise<ProvisionResult> {
    const checked = validateProvisionRequest(body);
    if (!checked.ok) throw new RequestValidationError(checked.issues);
    const resendable = options.resendUnknownOutcome ?? this.#retry.resendUnknownOutcome;
    const answer = await this.#exchange.run(
      this.#provisionCall(servicePrincipalId, jobId, checked.value, options),
    );
    if (answer.status === 202) return this.#awaitApproval(answer, options);
    if (!resendable && OUTCOME_UNKNOWN_STATUSES.has(answer.status))
      throw new OutcomeUnknownError(
        'gateway',
        `a gateway in front of Graph answered ${answer.status} after the call was sent`,
        this.#details(answer),
      );
    return this.#decoded(this.#ok(answer, 'POST …/provisionOnDemand'));
  }

  /**
   * Sends a provisionOnDemand body as it is (the caller has validated it) and brings back Graph's
   * answer as Graph gave it, whatever its status: what a proxy passes on. Paced, retried and
   * exactly-once as {@link provisionOnDemand}; rejects only when there is no answer to pass on.
   */
  forwardProvisionOnDemand(
    servicePrincipalId: string,
    jobId: string,
    body: unknown,
    options: Omit<ProvisionOptions, 'onPending'> = {},
  ): Promise<GraphAnswer> {
    return this.#exchange.run(this.#provisionCall(servicePrincipalId, jobId, body, options));
  }

  /** A read by path and query (`/servicePrincipals?$top=5`), answered as Graph gave it, whatever its status. */
  forwardGet(
    pathAndQuery: string,
    options: CallOptions & { headers?: Record<string, string>; pace?: 'reports' } = {},
  ): Promise<GraphAnswer> {
    return this.#exchange.run({
      method: 'GET',
      url: `${this.#base(options.apiVersion)}${pathAndQuery}`,
      headers: options.headers,
      signal: options.signal,
      // A provisioning-log read waits in the reports limit, as listProvisioningLogs does.
      ...(options.pace === 'reports' ? { limiter: this.#reportsLimiter() } : {}),
      resendable: true,
    });
  }

  /** The app's synchronization jobs. */
  listSynchronizationJobs(
    servicePrincipalId: string,
    options: CallOptions = {},
  ): AsyncIterable<SynchronizationJob> {
    return this.#pages(
      `${this.#base(options.apiVersion)}/servicePrincipals/${encodeURIComponent(servicePrincipalId)}/synchronization/jobs`,
      synchronizationJobSchema,
      options,
    );
  }

  /**
   * One job with its health read by core's decoder: `health` (active, paused, quarantined,
   * notConfigured, notRun), the quarantine with its next attempt, the last cycle; Graph's
   * placeholders read as `null`.
   */
  async getSynchronizationJob(
    servicePrincipalId: string,
    jobId: string,
    options: CallOptions = {},
  ): Promise<SynchronizationJobView> {
    const url = this.#jobUrl(servicePrincipalId, jobId, options.apiVersion);
    const answer = this.#ok(await this.#read(url, options), `GET ${pathOf(url)}`);
    return decodeSynchronizationJob(this.#json(answer));
  }

  /**
   * The provisioning logs matching `query`, newest first, page by page, each entry decoded by core
   * (verdict, retry, advice). Needs `AuditLog.Read.All`. Every page waits in the reports limit (5
   * requests per 10 s, per app and tenant) apart from provisionOnDemand's, so a long listing never
   * meets a 429.
   */
  async *listProvisioningLogs(
    query: ProvisioningLogQuery = {},
    options: CallOptions & { top?: number } = {},
  ): AsyncGenerator<ProvisioningLogEntry> {
    const url = new URL(`${this.#base(options.apiVersion)}/auditLogs/provisioning`);
    const filter = provisioningLogFilter(query);
    if (filter) url.searchParams.set('$filter', filter);
    if (options.top) url.searchParams.set('$top', String(options.top));
    let next: string | undefined = url.toString();
    while (next) {
      const answer = this.#ok(
        await this.#exchange.run({
          method: 'GET',
          url: next,
          signal: options.signal,
          limiter: this.#reportsLimiter(),
          resendable: true,
        }),
        `GET ${pathOf(next)}`,
        AUDIT_LOG_GRANT,
      );
      const page = this.#parse(
        collectionPageSchema,
        this.#json(answer),
        answer,
        'a page of provisioning logs',
      );
      try {
        yield* decodeProvisioningLogs(page.value);
      } catch (error) {
        if (error instanceof LogDecodeError)
          throw new GraphRequestError(
            'graph',
            `Graph's provisioning logs could not be read (${error.message}); request-id ${answer.requestId}`,
            { requestId: answer.requestId },
            { cause: error },
          );
        throw error;
      }
      next = page['@odata.nextLink'] ?? undefined;
    }
  }

  /** `POST …/start`: a paused, never-run or quarantined job runs its cycle now. */
  startJob(servicePrincipalId: string, jobId: string, options: JobActionOptions = {}): Promise<void> {
    return this.#jobAction(servicePrincipalId, jobId, 'start', undefined, options);
  }

  /** `POST …/pause`: no more cycles until started; nothing provisioned is undone. */
  pauseJob(servicePrincipalId: string, jobId: string, options: JobActionOptions = {}): Promise<void> {
    return this.#jobAction(servicePrincipalId, jobId, 'pause', undefined, options);
  }

  /**
   * `POST …/restart` with `criteria.resetScope` (empty: the portal's restart). The scope is sent as
   * given: refusing the "do not use" flags is the caller's choice (core's `parseRestartScope`).
   */
  restartJob(
    servicePrincipalId: string,
    jobId: string,
    resetScope: string | undefined,
    options: JobActionOptions = {},
  ): Promise<void> {
    const body = resetScope === undefined ? {} : { criteria: { resetScope } };
    return this.#jobAction(servicePrincipalId, jobId, 'restart', body, options);
  }

  /** `POST …/validateCredentials` with the saved credentials: resolves when the app accepts them. */
  validateJobCredentials(
    servicePrincipalId: string,
    jobId: string,
    options: JobActionOptions = {},
  ): Promise<void> {
    return this.#jobAction(
      servicePrincipalId,
      jobId,
      'validateCredentials',
      { useSavedCredentials: true },
      options,
    );
  }

  /** A job's schema; `synchronizationRules[].id` are the rule ids provisionOnDemand takes. */
  async getSynchronizationSchema(
    servicePrincipalId: string,
    jobId: string,
    options: CallOptions = {},
  ): Promise<SynchronizationSchema> {
    const url = `${this.#jobUrl(servicePrincipalId, jobId, options.apiVersion)}/schema`;
    const answer = this.#ok(await this.#read(url, options), `GET ${pathOf(url)}`);
    return this.#parse(synchronizationSchemaSchema, this.#json(answer), answer, 'the job schema');
  }

  /** One service principal (an app's instance in the tenant), by its object id. */
  async getServicePrincipal(id: string, options: CallOptions = {}): Promise<ServicePrincipal> {
    const url = this.#listUrl(
      `servicePrincipals/${encodeURIComponent(id)}`,
      servicePrincipalSchema,
      {},
      options,
    );
    const answer = this.#ok(await this.#read(url.toString(), options), `GET ${pathOf(url.toString())}`);
    return this.#parse(servicePrincipalSchema, this.#json(answer), answer, 'a service principal');
  }

  /**
   * One user by object id or user principal name (Graph addresses users by either); `undefined` when
   * there is none.
   */
  async getUser(
    idOrUserPrincipalName: string,
    options: CallOptions & { select?: string[] } = {},
  ): Promise<DirectoryUser | undefined> {
    const url = this.#listUrl(`users/${encodeURIComponent(idOrUserPrincipalName)}`, userSchema, {}, options);
    // Attributes a caller needs besides the usual (a scoping filter's, say).
    if (options.select?.length)
      url.searchParams.set(
        '$select',
        [...new Set([...Object.keys(userSchema.shape), ...options.select])].join(','),
      );
    const answer = await this.#read(url.toString(), options);
    if (answer.status === 404) return undefined;
    this.#ok(answer, `GET ${pathOf(url.toString())}`);
    return this.#parse(userSchema, this.#json(answer), answer, 'a user');
  }

  /**
   * The apps a user or a group is assigned to directly (Graph lists an assignment through a group on
   * the group, not on its members: ask for the user's groups too).
   */
  listAppRoleAssignments(
    principal: { kind: 'user' | 'group'; id: string },
    options: CallOptions = {},
  ): AsyncIterable<AppRoleAssignment> {
    const url = this.#listUrl(
      `${principal.kind}s/${encodeURIComponent(principal.id)}/appRoleAssignments`,
      appRoleAssignmentSchema,
      {},
      options,
    );
    return this.#pages(url.toString(), appRoleAssignmentSchema, options);
  }

  /** The groups a user is a direct member of. */
  async *listUserGroups(
    userId: string,
    options: CallOptions = {},
  ): AsyncGenerator<{ id: string; displayName: string | null }> {
    const url = `${this.#base(options.apiVersion)}/users/${encodeURIComponent(userId)}/memberOf`;
    for await (const object of this.#pages(url, directoryObjectSchema, options))
      if (object.type === 'group') yield { id: object.id, displayName: object.displayName ?? null };
  }

  /** Service principals, optionally by display name (`search` matches the start of words). */
  findServicePrincipals(
    query: { search?: string; filter?: string; top?: number } = {},
    options: CallOptions = {},
  ): AsyncIterable<ServicePrincipal> {
    const url = this.#listUrl('servicePrincipals', servicePrincipalSchema, query, options);
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
    const url = this.#listUrl(`groups/${encodeURIComponent(groupId)}/members`, userSchema, query, options);
    return this.#pages(url.toString(), userSchema, options);
  }

  /**
   * The directory objects behind these ids, each with its type (`user`, `group`, …) and, where the app
   * may read that type, its display name; ids of no object are left out (`POST /directoryObjects/getByIds`).
   */
  async getDirectoryObjects(ids: string[], options: CallOptions = {}): Promise<DirectoryObject[]> {
    if (ids.length === 0) return [];
    const answer = this.#ok(
      await this.#exchange.run({
        method: 'POST',
        url: `${this.#base(options.apiVersion)}/directoryObjects/getByIds`,
        body: { ids },
        signal: options.signal,
        // A read, for all its POST: sending it twice changes nothing.
        resendable: true,
      }),
      'POST /directoryObjects/getByIds',
    );
    const page = this.#parse(collectionPageSchema, this.#json(answer), answer, 'directory objects');
    return page.value.map((item) => this.#parse(directoryObjectSchema, item, answer, 'a directory object'));
  }

  /** Resolves when a token can be had (a readiness check); rejects with the sign-in error otherwise. */
  async checkSignIn(): Promise<void> {
    await this.#exchange.token();
  }

  /** The app's rate window now ("2 of 5 calls left; next in 4 s"). */
  limiterSnapshot(servicePrincipalId: string): Promise<LimiterSnapshot> | undefined {
    return this.#limiter(this.#windowKey(servicePrincipalId))?.snapshot();
  }

  /** Closes the connection pool. */
  async close(): Promise<void> {
    await this.#dispatcher.close();
  }

  #provisionCall(
    servicePrincipalId: string,
    jobId: string,
    body: unknown,
    options: Omit<ProvisionOptions, 'onPending'>,
  ): ExchangeRequest {
    return {
      method: 'POST',
      url: `${this.#jobUrl(servicePrincipalId, jobId, options.apiVersion)}/provisionOnDemand`,
      body,
      signal: options.signal,
      limiter: this.#limiter(this.#windowKey(servicePrincipalId)),
      resendable: options.resendUnknownOutcome ?? this.#retry.resendUnknownOutcome,
      beforeAttempt: options.beforeAttempt,
    };
  }

  /** Follows a request the proxy holds for approval (its 202) until it is decided and has run. */
  #followHeld(
    held: GraphAnswer,
    options: CallOptions & { onPending?: ((approval: PendingApproval) => void) | undefined },
  ): Promise<PendingApproval> {
    return followApproval(
      held,
      async (url, headers) => {
        const answer = await this.#read(url, { ...options, headers });
        // Not modified: the follower asks again with the same tag.
        return answer.status === 304 ? answer : this.#ok(answer, `GET ${pathOf(url)}`);
      },
      options.onPending,
    );
  }

  /** Follows a request the proxy holds for approval until it is decided, then decodes what ran. */
  async #awaitApproval(held: GraphAnswer, options: ProvisionOptions): Promise<ProvisionResult> {
    const approval = await this.#followHeld(held, options);
    if (approval.state === 'completed' && approval.result) {
      return this.#decoded({
        ...held,
        status: approval.result.status,
        text: JSON.stringify(approval.result.body),
        requestId: approval.result.graphRequestId ?? undefined,
      });
    }
    throw new HeldRequestNotRunError(approval, {
      status: approval.result?.status ?? 403,
      clientRequestId: held.clientRequestId,
      graphBody: approval.result?.body,
    });
  }

  #decoded(answer: GraphAnswer): ProvisionResult {
    const json = this.#json(answer);
    try {
      const decoded = decodeProvisionResponse(json);
      return {
        ...decoded,
        raw: json,
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

  /** The answer when it is a success; otherwise the typed error for it. */
  #ok(answer: GraphAnswer, where: string, grant?: string): GraphAnswer {
    if (!answer.error) return answer;
    throw errorForAnswer(answer.error, this.#details(answer), where, this.#viaProxy, grant);
  }

  #details(answer: GraphAnswer) {
    return {
      status: answer.status,
      graphCode: answer.error?.code,
      requestId: answer.error?.requestId ?? answer.requestId,
      clientRequestId: answer.clientRequestId,
      retryAfterMs: answer.error?.retryAfterMs,
      attempts: answer.attempts,
      graphBody: tryJson(answer.text),
    };
  }

  #json(answer: GraphAnswer): unknown {
    if (answer.text === '') return undefined;
    const json = tryJson(answer.text);
    if (json === undefined)
      throw new GraphRequestError(
        'graph',
        `Graph answered ${answer.status} with a body that is not JSON; request-id ${answer.requestId}`,
        { status: answer.status, requestId: answer.requestId, clientRequestId: answer.clientRequestId },
      );
    return json;
  }

  #read(url: string, options: CallOptions & { headers?: Record<string, string> }): Promise<GraphAnswer> {
    return this.#exchange.run({
      method: 'GET',
      url,
      headers: options.headers,
      signal: options.signal,
      resendable: true,
    });
  }

  #base(apiVersion: ApiVersion | undefined): string {
    return `${this.#root}/${apiVersion ?? this.#apiVersion}`;
  }

  #jobUrl(servicePrincipalId: string, jobId: string, apiVersion: ApiVersion | undefined): string {
    return `${this.#root}${jobPath(servicePrincipalId, jobId, apiVersion ?? this.#apiVersion)}`;
  }

  async #jobAction(
    servicePrincipalId: string,
    jobId: string,
    action: JobAction,
    body: unknown,
    options: JobActionOptions,
  ): Promise<void> {
    const request = this.#jobActionCall(servicePrincipalId, jobId, action, body ?? {}, options);
    const answer = await this.#exchange.run(request);
    // An ondemand proxy held it for a second person's approval: it runs (once) when approved.
    if (answer.status === 202 && this.#viaProxy) {
      const approval = await this.#followHeld(answer, options);
      const status = approval.result?.status;
      if (approval.state === 'completed' && status !== undefined && status < 300) return;
      throw new HeldRequestNotRunError(approval, {
        status: status ?? 403,
        clientRequestId: answer.clientRequestId,
        graphBody: approval.result?.body,
      });
    }
    if (action === 'restart' && OUTCOME_UNKNOWN_STATUSES.has(answer.status))
      throw new OutcomeUnknownError(
        'gateway',
        `a gateway in front of Graph answered ${answer.status} after the restart was sent`,
        this.#details(answer),
      );
    this.#ok(answer, `POST ${pathOf(request.url)}`);
  }

  /**
   * Sends a job action's body as it is (the caller has checked it) and brings back Graph's answer as
   * Graph gave it, whatever its status: what a proxy passes on. A restart is never sent twice on its own.
   */
  forwardJobAction(
    servicePrincipalId: string,
    jobId: string,
    action: JobAction,
    body: unknown,
    options: Omit<JobActionOptions, 'onPending'> & Pick<ProvisionOptions, 'beforeAttempt'> = {},
  ): Promise<GraphAnswer> {
    return this.#exchange.run(this.#jobActionCall(servicePrincipalId, jobId, action, body, options));
  }

  #jobActionCall(
    servicePrincipalId: string,
    jobId: string,
    action: JobAction,
    body: unknown,
    options: CallOptions & Pick<ProvisionOptions, 'beforeAttempt'>,
  ): ExchangeRequest {
    return {
      method: 'POST',
      url: `${this.#root}${jobActionPath(servicePrincipalId, jobId, action, options.apiVersion ?? this.#apiVersion)}`,
      body,
      signal: options.signal,
      // A restart runs a cycle and clears state: like provisionOnDemand, it is never sent twice
      // unless Graph said it did not run. Start, pause and a credential test may go again.
      resendable: action !== 'restart',
      beforeAttempt: options.beforeAttempt,
    };
  }

  /** Graph's reports limit for provisioning logs: its own window, shared by every page of this client. */
  #reportsLimiter(): SlidingWindowLimiter | undefined {
    return this.#windowLimiter(this.#reportsLimit, 'reports');
  }

  #limiter(key: string): SlidingWindowLimiter | undefined {
    return this.#windowLimiter(this.#rateLimit, `provisionOnDemand:${key}`);
  }

  /** One limiter per window key (provisionOnDemand's per app, the reports limit), made on first use. */
  #windowLimiter(
    limit: { limit: number; windowMs: number; marginMs?: number } | false,
    key: string,
  ): SlidingWindowLimiter | undefined {
    if (limit === false) return undefined;
    let limiter = this.#limiters.get(key);
    if (!limiter) {
      // Calls reach Graph a little later than they leave, and not all equally late: a window a little
      // longer than Graph's keeps that jitter from making Graph count six calls in one of its windows.
      const windowMs = limit.windowMs + (limit.marginMs ?? Math.ceil(limit.windowMs * 0.02));
      limiter = new SlidingWindowLimiter({ limit: limit.limit, windowMs, store: this.#limiterStore, key });
      this.#limiters.set(key, limiter);
    }
    return limiter;
  }

  /** A URL asking for just the properties `schema` reads (`$select`), `$top` when given. */
  #listUrl(
    path: string,
    schema: z.ZodObject,
    query: { top?: number | undefined },
    options: CallOptions,
  ): URL {
    const url = new URL(`${this.#base(options.apiVersion)}/${path}`);
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
    const url = this.#listUrl(collection, schema, query, options);
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
      const answer = this.#ok(await this.#read(next, { ...options, headers }), `GET ${pathOf(next)}`);
      const page = this.#parse(collectionPageSchema, this.#json(answer), answer, 'a list');
      for (const item of page.value) yield this.#parse(schema, item, answer, 'an item of a list');
      next = page['@odata.nextLink'] ?? undefined;
    }
  }

  #parse<T>(schema: z.ZodType<T>, json: unknown, answer: GraphAnswer, what: string): T {
    const parsed = schema.safeParse(json);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0]!;
    throw new GraphRequestError(
      'graph',
      `Graph's answer for ${what} is not what Graph sends (${issue.path.join('.') || 'body'}: ${issue.message}); request-id ${answer.requestId}`,
      { requestId: answer.requestId },
    );
  }
}

/** Creates a {@link GraphClient}; see {@link GraphClientOptions}. */
export function createGraphClient(options: GraphClientOptions = {}): GraphClient {
  return new GraphClient(options);
}
