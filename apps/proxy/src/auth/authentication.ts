import type { MiddlewareHandler } from 'hono';
import { auditContext, type ProxyContext, type ProxyEnv, type ProxyRequest } from '../app/context.js';
import { ProxyError } from '../http/proxy-error.js';
import { recordedPath } from '../http/recorded-path.js';
import { type Principal, principalForApiKey } from './api-keys.js';
import { looksLikeJwt } from './jwt-authenticator.js';
import type { Role } from './roles.js';

/** The caller behind an `Authorization: Bearer …` header: an API key, or an Entra ID-issued JWT if accepted. */
export async function callerOf(
  ctx: Pick<ProxyContext, 'config' | 'verifyJwt'>,
  authorization: string | undefined,
): Promise<{ key: string | undefined; principal: Principal | undefined }> {
  const key = /^Bearer\s+(.+)$/i.exec(authorization ?? '')?.[1];
  const principal =
    principalForApiKey(ctx.config.apiKeys, key) ??
    (key && ctx.verifyJwt && looksLikeJwt(key) ? await ctx.verifyJwt(key) : undefined);
  return { key, principal };
}

/** Every route after this one needs a caller; no or a bad credential is a 401, audited. */
export function authentication(ctx: ProxyContext): MiddlewareHandler<ProxyEnv> {
  return async (c, next) => {
    const { key, principal } = await callerOf(ctx, c.req.header('authorization'));
    if (!principal) {
      // Recorded one by one up to a budget a minute; past it counted, and the count goes in the next.
      const slot = ctx.unauthenticated.take();
      if (slot.record)
        await ctx.audit.append([
          ctx.audit.entry('auth_failure', auditContext(c), {
            detail: {
              method: c.req.method,
              ...recordedPath(c.req.path),
              reason: key ? 'unknown key' : 'no key',
              ...(slot.notRecordedBefore
                ? {
                    notRecordedBefore: slot.notRecordedBefore.count,
                    notRecordedSince: slot.notRecordedBefore.since,
                  }
                : {}),
            },
          }),
        ]);
      throw new ProxyError(
        401,
        'InvalidAuthenticationToken',
        key ? 'The API key is not valid.' : 'Access token is empty: send Authorization: Bearer <API key>.',
        { headers: { 'WWW-Authenticate': 'Bearer realm="ondemand-proxy"' }, audited: true },
      );
    }
    c.set('principal', principal);
    await next();
  };
}

/** Whether the caller holds one of `roles` (an admin holds them all). */
export function holdsRole(principal: Principal, roles: Role[]): boolean {
  return principal.roles.some((role) => roles.includes(role) || role === 'admin');
}

/** Refuses (403, audited) a caller without one of `roles`; `what` names the action in the message. */
export async function requireRole(
  ctx: ProxyContext,
  c: ProxyRequest,
  roles: Role[],
  what: string,
): Promise<void> {
  const principal = c.get('principal');
  if (holdsRole(principal, roles)) return;
  await ctx.audit.append([
    ctx.audit.entry('forbidden', auditContext(c), {
      detail: { method: c.req.method, ...recordedPath(c.req.path), needs: roles },
    }),
  ]);
  throw new ProxyError(
    403,
    'Authorization_RequestDenied',
    `${what} needs the role ${roles.join(' or ')}; ${principal.principal} has ${principal.roles.length > 0 ? principal.roles.join(', ') : 'no role'}.`,
    { audited: true, refusal: 'role' },
  );
}
