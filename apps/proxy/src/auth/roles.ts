import { z } from 'zod';

/** What a caller may do at the proxy: one role or more per API key or token. */
export const ROLES = ['requester', 'approver', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** An API key as the config holds it: only its SHA-256, never the key. */
export const apiKeySchema = z.strictObject({
  principal: z.string().min(1),
  roles: z.array(z.enum(ROLES)).min(1),
  /** Hex SHA-256 of the key (`printf %s KEY | sha256sum`). */
  sha256: z.string().regex(/^[0-9a-f]{64}$/, "sha256 must be the 64 hex digits of the key's SHA-256"),
});
