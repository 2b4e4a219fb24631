import { z } from 'zod';
import { ROLES } from '../auth/roles.js';

/**
 * The web console (`/console/`): people sign in with Entra ID (OpenID Connect, authorization code
 * with PKCE) to the app registration named here, whose app roles map to the proxy's roles.
 */
export const consoleConfigSchema = z.strictObject({
  oidc: z.strictObject({
    /** The issuer: `https://login.microsoftonline.com/{tenant}/v2.0` (its metadata is read from there). */
    authority: z.url(),
    /** The app registration's client id (a web app with the reply URL `{publicUrl}/console/callback`). */
    clientId: z.string().min(1),
    /** The environment variable holding its client secret (never the file). */
    clientSecretEnv: z.string().min(1).default('ONDEMAND_CONSOLE_SECRET'),
    /** PEM of a CA to trust for the identity provider (the simulator's). */
    caFile: z.string().optional(),
    rolesClaim: z.string().default('roles'),
    /** Who the person is in approvals and the audit log: their sign-in name by default. */
    principalClaim: z.string().default('preferred_username'),
    /** App role values → proxy roles; the proxy's own role names map to themselves. */
    roleMap: z.record(z.string(), z.enum(ROLES)).default({}),
  }),
  /** How long a session lasts from sign-in (then the page sends the person to sign in again). */
  sessionMinutes: z
    .number()
    .positive()
    .max(24 * 60)
    .default(60),
});
export type ConsoleConfig = z.infer<typeof consoleConfigSchema>;
