import { createHash } from 'node:crypto';
import { canonicalJson } from '@ondemand/audit-log';
import { NOT_RUN_STATUSES, unsafeCharacter } from '@ondemand/core';
import { auditContext, type ProxyContext, type ProxyRequest } from '../app/context.js';
import { mayHaveRun, respond } from '../http/graph-shaped-answer.js';
import { ProxyError } from '../http/proxy-error.js';
import type { IdempotentAnswer } from './idempotency-store.js';

/** One use of an `Idempotency-Key`: whose, which key, and for exactly which request. */
export interface IdempotencyScope {
  principal: string;
  key: string;
  requestHash: string;
}

/**
 * The `Idempotency-Key` of a provisionOnDemand (the IETF httpapi draft), for exactly this request:
 * its hash covers the version, the ids and the body as the policy judged them. A key that is not
 * printable text of 1–255 characters is a 400.
 */
export function idempotencyScope(
  c: ProxyRequest,
  request: { apiVersion: string; servicePrincipalId: string; jobId: string; body: unknown },
  /** The key, when it does not come in the header (the console's forms carry one each). */
  key = c.req.header('idempotency-key'),
): IdempotencyScope | undefined {
  if (key === undefined) return undefined;
  if (key.length === 0 || key.length > 255 || unsafeCharacter(key))
    throw new ProxyError(
      400,
      'BadRequest',
      'The Idempotency-Key header must be printable text of 1 to 255 characters, such as a UUID.',
    );
  return { principal: c.get('principal').principal, key, requestHash: requestHash(request) };
}

/** A key as the answers being kept know it: whose, which. */
function keyOf(scope: Pick<IdempotencyScope, 'principal' | 'key'>): string {
  return `${scope.principal}\n${scope.key}`;
}

/** What binds a key to one request: the SHA-256 of the request's canonical JSON. */
export function requestHash(request: {
  apiVersion: string;
  servicePrincipalId: string;
  jobId: string;
  body: unknown;
}): string {
  return createHash('sha256').update(canonicalJson(request)).digest('hex');
}

/**
 * Takes the key for this request. Resolves to `undefined` when this is its first use (go on, then
 * {@link settleIdempotency}); otherwise to the answer to give: the first request's answer again
 * (`Idempotent-Replayed: true`), or the approval it made, a 409 while the first is still being
 * answered, a 422 when the key was used for another request.
 */
export async function claimIdempotency(
  ctx: ProxyContext,
  c: ProxyRequest,
  scope: IdempotencyScope,
  replayApproval: (id: string) => Promise<Response>,
): Promise<Response | undefined> {
  const now = Date.now();
  const claim = await ctx.store.claimIdempotencyKey(
    { ...scope, requestId: c.get('requestId'), replica: ctx.replica, at: new Date(now).toISOString() },
    new Date(now - ctx.config.idempotencyKeyHours * 3_600_000).toISOString(),
  );
  if (claim.kind === 'claimed') return undefined;
  if (claim.kind === 'mismatch')
    throw new ProxyError(
      422,
      'UnprocessableEntity',
      'This Idempotency-Key was first used for another request (another body, job or app): use a new key for a new request.',
    );
  // Graph answered the first request, and its answer waits here to be kept: that answer, as a replay.
  const beingKept = claim.kind === 'in_flight' ? ctx.answersBeingKept.get(keyOf(scope)) : undefined;
  if (claim.kind === 'in_flight' && !beingKept)
    throw new ProxyError(
      409,
      'Conflict',
      'The first request with this Idempotency-Key is still being answered: send it again shortly to get that answer.',
      { headers: { 'Retry-After': '1' } },
    );
  const answer = beingKept ?? (claim as Extract<typeof claim, { kind: 'answered' }>).answer;
  await ctx.audit.append([
    ctx.audit.entry('replayed', auditContext(c), {
      detail: {
        idempotencyKey: scope.key,
        answer: answer.kind === 'approval' ? answer.id : answer.answer.status,
      },
    }),
  ]);
  c.set('audited', true);
  if (answer.kind === 'approval') return replayApproval(answer.id);
  return respond(c, answer.answer, { 'Idempotent-Replayed': 'true' });
}

/**
 * Keeps the first answer for the key's reuse, or lets the key go when nothing ran (nothing was sent,
 * or Graph turned it away with 429 or 503): the next request with it is then a first one.
 */
/** What came of a key's first request: nothing ran, or it was answered (and how). */
export type SettleOutcome = { ran: false } | { ran: true; answer: IdempotentAnswer };

export async function settleIdempotency(
  ctx: ProxyContext,
  scope: IdempotencyScope,
  outcome: SettleOutcome,
): Promise<void> {
  if (!keepsAnswer(outcome)) return ctx.store.releaseIdempotencyKey(scope.principal, scope.key);
  return ctx.store.answerIdempotencyKey(scope.principal, scope.key, outcome.answer);
}

/** Whether settling keeps this answer for the key (rather than letting the key go). */
function keepsAnswer(outcome: SettleOutcome): outcome is { ran: true; answer: IdempotentAnswer } {
  return (
    outcome.ran && !(outcome.answer.kind === 'answer' && NOT_RUN_STATUSES.has(outcome.answer.answer.status))
  );
}

/** How long after a failed settle the next try comes: doubling from 1 s, at most 1 min apart. */
const SETTLE_RETRY_MS = [1_000, 2_000, 4_000, 8_000, 15_000, 30_000, 60_000];

/**
 * Settles the key of a request that was decided (and perhaps ran), without ever letting the key go
 * because the store failed: if the answer cannot be kept now (a dropped database connection), the
 * key stays claimed, the answer is synced to this machine's disk (the {@link AnswerSpool}) and
 * answers retries from memory meanwhile (never a 409, never a resend), and tries in the background
 * (for about two minutes) and the spool's flushes (every sweep, and at the next start, before cut-
 * short keys are settled) write it to the store. Never throws: the caller gets its answer either way.
 */
export async function keepIdempotencyAnswer(
  ctx: ProxyContext,
  scope: IdempotencyScope,
  outcome: SettleOutcome,
): Promise<void> {
  const attempt = async (tries: number): Promise<void> => {
    try {
      await settleIdempotency(ctx, scope, outcome);
      ctx.answersBeingKept.delete(keyOf(scope));
    } catch (error) {
      // Until it is kept, a retry with the key is answered from here (see claimIdempotency).
      if (outcome.ran) ctx.answersBeingKept.set(keyOf(scope), outcome.answer);
      if (tries === 0 && keepsAnswer(outcome))
        await ctx.answerSpool.keep({ ...scope, answer: outcome.answer }).catch((spoolError: Error) =>
          ctx.log({
            level: 'error',
            msg: `the answer to an Idempotency-Key's first request could not be kept in ${ctx.answerSpool.path} either: a stop before the store takes it answers the key 'may have run'`,
            principal: scope.principal,
            cause: spoolError.message,
          }),
        );
      const waitMs = SETTLE_RETRY_MS[tries];
      if (waitMs === undefined) {
        ctx.answersBeingKept.delete(keyOf(scope));
        ctx.log({
          level: 'error',
          msg: "the answer to an Idempotency-Key's first request could not be kept: the key stays claimed until the next start settles it as 'may have run'",
          principal: scope.principal,
          cause: (error as Error).message,
        });
        return;
      }
      ctx.log({
        level: 'error',
        msg: `the answer to an Idempotency-Key's first request is not kept yet (the key stays claimed); trying again in ${waitMs / 1000} s`,
        principal: scope.principal,
        cause: (error as Error).message,
      });
      setTimeout(() => void attempt(tries + 1), waitMs).unref();
    }
  };
  await attempt(0);
}

/**
 * Writes the answers kept on disk to their keys; their copies in memory can go once they are. Never
 * throws: what cannot be written now stays for the next flush.
 */
export async function flushAnswerSpool(
  ctx: Pick<ProxyContext, 'store' | 'answerSpool' | 'answersBeingKept' | 'log'>,
): Promise<void> {
  try {
    const written = await ctx.answerSpool.flush(ctx.store, (refused) =>
      ctx.log({
        level: 'warn',
        msg: `lines of ${ctx.answerSpool.path} are not answers this proxy kept: copied to ${ctx.answerSpool.path}.refused`,
        refused,
      }),
    );
    for (const answer of written) ctx.answersBeingKept.delete(keyOf(answer));
  } catch (error) {
    ctx.log({
      level: 'warn',
      msg: `the answers kept in ${ctx.answerSpool.path} cannot be written yet`,
      cause: (error as Error).message,
    });
  }
}

/** What a key's first request is answered with when it was cut short (the proxy stopped). */
export function unknownAnswer(): IdempotentAnswer {
  return {
    kind: 'answer',
    answer: mayHaveRun('The proxy stopped while the first request with this Idempotency-Key was being sent'),
  };
}

/**
 * Answers a provisionOnDemand at most once per `Idempotency-Key`: a retry gets the first answer (or
 * the approval it made); a first request is decided by `decide`, and its answer kept for the key.
 * Nothing done (the audit log or the store away) lets the key go; anything decided keeps it.
 */
export async function answerOnce(
  ctx: ProxyContext,
  c: ProxyRequest,
  request: { apiVersion: string; servicePrincipalId: string; jobId: string; body: unknown },
  steps: {
    replayApproval: (id: string) => Promise<Response>;
    decide: () => Promise<{ response: Response; settle: SettleOutcome }>;
  },
  key?: string,
): Promise<Response> {
  const scope = key === undefined ? idempotencyScope(c, request) : idempotencyScope(c, request, key);
  if (scope) {
    const replay = await claimIdempotency(ctx, c, scope, steps.replayApproval);
    if (replay) return replay;
  }
  let decided: Awaited<ReturnType<typeof steps.decide>>;
  try {
    decided = await steps.decide();
  } catch (error) {
    // Nothing was done (the audit log or the store away): the next request with this key is a first one.
    if (scope) await settleIdempotency(ctx, scope, { ran: false }).catch(() => {});
    throw error;
  }
  // Decided, perhaps run: from here the caller gets its answer, whether or not the key can be settled now.
  if (scope) await keepIdempotencyAnswer(ctx, scope, decided.settle);
  return decided.response;
}
