import { createRemoteJWKSet, customFetch, jwtVerify } from 'jose';
import { Agent, fetch as undiciFetch } from 'undici';
import type { Principal } from './api-keys.js';
import { ROLES, type Role } from './roles.js';

export interface JwtCallerOptions {
  issuer: string;
  audience: string;
  jwksUrl: string;
  /** PEM of a CA to trust for the JWKS endpoint (the simulator's). */
  ca?: string | undefined;
  rolesClaim: string;
  principalClaim: string;
  /** App roles or scopes in the token → proxy roles; the proxy's own role names map to themselves. */
  roleMap: Record<string, Role>;
  /** The longest a token may live, from when it was issued (or from now) to its expiry (default a day). */
  maxTokenLifetimeMinutes?: number | undefined;
}

/**
 * Callers with an Entra ID-issued JWT instead of an API key: signature checked against the
 * issuer's JWKS (fetched and cached by jose), issuer, audience and lifetime checked (a token without
 * `exp` is refused), roles read from
 * a claim. Returns undefined for a token that does not verify, never why (the 401 says enough).
 */
export function jwtAuthenticator(
  options: JwtCallerOptions,
): (token: string) => Promise<Principal | undefined> {
  const dispatcher = options.ca ? new Agent({ connect: { ca: options.ca } }) : undefined;
  const keys = createRemoteJWKSet(new URL(options.jwksUrl), {
    [customFetch]: (url: string, init: RequestInit) =>
      undiciFetch(url, {
        ...(init as object),
        ...(dispatcher ? { dispatcher } : {}),
      }) as unknown as Promise<Response>,
  });
  return async (token) => {
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: options.issuer,
        audience: options.audience,
        // A token without an expiry would be good forever; Entra's tokens always carry one.
        requiredClaims: ['exp'],
      });
      // A token that lives for years is nearly as good as one without an expiry: bounded too.
      const issued = payload.iat ?? Math.floor(Date.now() / 1000);
      if (payload.exp! - issued > (options.maxTokenLifetimeMinutes ?? 24 * 60) * 60) return undefined;
      const roles = rolesOf(payload[options.rolesClaim], options.roleMap);
      const principal = String(payload[options.principalClaim] ?? payload.sub ?? '');
      return principal ? { principal, roles } : undefined;
    } catch {
      return undefined;
    }
  };
}

/** Whether a bearer credential is shaped like a JWT (three base64url parts) rather than an API key. */
export function looksLikeJwt(token: string): boolean {
  return /^[\w-]+\.[\w-]+\.[\w-]*$/.test(token);
}

/**
 * The proxy's roles a token's claim names (app roles as a list, or scopes in one string): mapped by
 * `roleMap`, the proxy's own role names as themselves, anything else ignored.
 */
export function rolesOf(claimed: unknown, roleMap: Record<string, Role>): Role[] {
  const values = Array.isArray(claimed)
    ? claimed.map(String)
    : typeof claimed === 'string'
      ? claimed.split(' ')
      : [];
  return [
    ...new Set(
      values
        .map(
          (value) =>
            roleMap[value] ?? ((ROLES as readonly string[]).includes(value) ? (value as Role) : undefined),
        )
        .filter((role): role is Role => !!role),
    ),
  ];
}
