import { z } from 'zod';
import { APPROVAL_STATES } from './approval-view.js';
import { isObjectId } from './request-schema.js';

/**
 * The queries and bodies of the proxy's own routes, as the contract both sides speak: the proxy
 * validates with these (and shows them in /openapi.json), the transport's client types its filters
 * from them.
 */

/** `GET /approvals`: its filters and paging, validated (an unknown key or state is a 400). */
export const approvalListQuerySchema = z.strictObject({
  state: z.enum(APPROVAL_STATES, { error: `state is one of ${APPROVAL_STATES.join(', ')}` }).optional(),
  requester: z.string().min(1).optional(),
  servicePrincipal: z
    .string()
    .refine(isObjectId, 'servicePrincipal is an object id: 8-4-4-4-12 hex digits')
    .transform((id) => id.toLowerCase())
    .optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  cursor: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** The body of `POST /approvals/{id}/approve` and `/deny`. */
export const reviewSchema = z.strictObject({
  reason: z.string().trim().min(1, 'give a reason: it goes into the audit log').max(2_000),
});

/** `GET /audit`: its filters and paging. */
export const auditQuerySchema = z.strictObject({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  principal: z.string().optional(),
  action: z.string().optional(),
  job: z.string().optional(),
  subject: z.string().optional(),
  cursor: z.coerce.number().int().nonnegative().optional(),
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
});

/** The filters a client gives `GET /approvals` (paging is the client's own business). */
export type ApprovalFilters = Omit<z.input<typeof approvalListQuerySchema>, 'cursor' | 'limit'> & {
  limit?: number;
};

/** The filters a client gives `GET /audit`. */
export type AuditFilters = Omit<z.input<typeof auditQuerySchema>, 'cursor' | 'limit'> & { limit?: number };
