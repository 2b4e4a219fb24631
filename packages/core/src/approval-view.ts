import { z } from 'zod';

/**
 * The life of a request the ondemand proxy holds for approval. `pending` waits for reviews;
 * `approved` and `executing` are on their way to Graph; the rest are final.
 */
export const APPROVAL_STATES = [
  'pending',
  'approved',
  'executing',
  'denied',
  'expired',
  'withdrawn',
  'completed',
  'failed',
  'interrupted',
] as const;
export type ApprovalState = (typeof APPROVAL_STATES)[number];

/** Whether nothing more will happen to an approval in this state: it ran, or it never will. */
export function isFinalApprovalState(state: ApprovalState): boolean {
  return state !== 'pending' && state !== 'approved' && state !== 'executing';
}

/**
 * Why the proxy refused a review or a withdrawal, in its error's `details[0].code`: a role the caller
 * lacks, their own request to review, someone else's to withdraw, one already decided (or already
 * reviewed by them), one expired, one they may not see.
 */
export const APPROVAL_REFUSALS = [
  'role',
  'self_review',
  'not_requester',
  'decided',
  'duplicate',
  'expired',
  'not_found',
] as const;
export type ApprovalRefusal = (typeof APPROVAL_REFUSALS)[number];

/** How a held request's answer says what it is, so no SDK can take it for Graph's answer. */
export const APPROVAL_ODATA_TYPE = '#ondemand.approval';

/** Where the proxy serves one approval, from its own origin. */
export function approvalPath(id: string): string {
  return `/approvals/${encodeURIComponent(id)}`;
}

/** Where the proxy answers with what came of one approval, as Graph answered the run. */
export function approvalResultPath(id: string): string {
  return `${approvalPath(id)}/result`;
}

const reviewSchema = z.object({
  principal: z.string(),
  decision: z.enum(['approve', 'deny']),
  reason: z.string(),
  at: z.string(),
});

/**
 * What the proxy answers about a held request (`GET /approvals/{id}`, the 202 of a held POST): the
 * contract the proxy builds its answer from and the transport reads it with.
 */
export const approvalViewSchema = z.looseObject({
  id: z.string().min(1),
  /** Where to read it (and long-poll it with `Prefer: wait=N`): an absolute URL on the proxy. */
  url: z.string(),
  /**
   * Where what came of it is answered as Graph answered the run (a denial, expiry or withdrawal as a
   * Graph error); 202 until it is decided, and `Prefer: wait=N` holds the call. An SDK follows this one.
   */
  resultUrl: z.string(),
  state: z.enum(APPROVAL_STATES),
  requester: z.string(),
  reason: z.string().nullable(),
  createdAt: z.string(),
  expiresAt: z.string(),
  /** Exactly what runs once approved: Graph's path (as sent, encoded) and the body, bound by its hash. */
  request: z.object({
    method: z.literal('POST'),
    path: z.string(),
    body: z.unknown(),
    bodySha256: z.string(),
  }),
  /** The policy rule that held it. */
  rule: z.string(),
  required: z.object({ count: z.number().int().positive(), roles: z.array(z.string()) }),
  reviews: z.array(reviewSchema),
  /** Who denied it and why, when it was denied. */
  denial: z.object({ principal: z.string(), reason: z.string(), at: z.string() }).nullable(),
  /** Who withdrew it, when it was withdrawn. */
  withdrawn: z.object({ principal: z.string(), at: z.string() }).nullable(),
  /** Display names next to the ids (resolved when it was held; the ids are what runs). */
  names: z
    .object({
      servicePrincipal: z.string().nullable(),
      job: z.string().nullable(),
      rules: z.record(z.string(), z.string().nullable()),
      objects: z.record(z.string(), z.object({ type: z.string(), displayName: z.string().nullable() })),
    })
    .nullable(),
  /**
   * What the caller may do with it now, as the proxy would decide: review (approve or deny) and
   * withdraw, each with why not when not (their own request, a role they lack, no longer pending).
   */
  youMay: z
    .object({
      review: z.object({ allowed: z.boolean(), why: z.string().nullable() }),
      withdraw: z.object({ allowed: z.boolean(), why: z.string().nullable() }),
    })
    .optional(),
  /** Graph's answer once it ran. */
  result: z
    .object({
      status: z.number().int(),
      body: z.unknown(),
      graphRequestId: z.string().nullable(),
      finishedAt: z.string(),
    })
    .nullable(),
});
export type ApprovalView = z.infer<typeof approvalViewSchema>;
