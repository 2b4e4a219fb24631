import { createHash, randomUUID, type webcrypto, X509Certificate } from 'node:crypto';

type CryptoKey = webcrypto.CryptoKey;

import {
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  importX509,
  type JWK,
  jwtVerify,
  SignJWT,
} from 'jose';
import type { SeedClient, SeedUser } from '../seed/seed-schema.js';

/** Entra's built-in role template ids that the API reference names for delegated provisionOnDemand. */
export const DIRECTORY_ROLES: Record<string, string> = {
  'Application Administrator': '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3',
  'Cloud Application Administrator': '158c047a-c907-4556-b7ef-446551a6b5f7',
  'Hybrid Identity Administrator': '8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2',
  'Global Reader': 'f2ef992c-3afb-46b9-b7cf-a126ee74c451',
};

export const GRAPH_AUDIENCE = 'https://graph.microsoft.com';

/** Delegated scopes a device-code sign-in is granted (what the `ondemand` command asks for). */
export const DELEGATED_SCOPES = [
  'Synchronization.ReadWrite.All',
  'User.Read.All',
  'Group.Read.All',
  'Application.Read.All',
];

/** What a valid access token says about its caller. */
export interface Caller {
  tenantId: string;
  clientId: string;
  kind: 'app' | 'user';
  /** Application permissions (app) or delegated scopes (user). */
  permissions: string[];
  userId?: string;
  /** Directory role template ids of a signed-in user (`wids`). */
  roleIds: string[];
  expiresAt: number;
}

export class TokenError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Signs and checks the simulator's tokens: RS256 JWTs with the claims Entra ID puts in Graph access
 * tokens (`tid`, `appid`, `roles` or `scp`, `wids`, `oid`), and the id tokens MSAL needs for accounts.
 */
export class TokenService {
  readonly kid = randomUUID();
  lifetimeSeconds = 3600;
  /**
   * The signing key pair, made when first needed rather than at start: an RSA key takes ~0.15 s of
   * CPU, and many starts (tests, the CLI's embedded simulator) sign nothing before they are stopped.
   */
  #keys: Promise<{ privateKey: CryptoKey; publicKey: CryptoKey; jwk: JWK }> | undefined;

  static async create(): Promise<TokenService> {
    return new TokenService();
  }

  #keyPair() {
    this.#keys ??= (async () => {
      const { privateKey, publicKey } = await generateKeyPair('RS256');
      const jwk: JWK = { ...(await exportJWK(publicKey)), kid: this.kid, use: 'sig', alg: 'RS256' };
      return { privateKey: privateKey as CryptoKey, publicKey: publicKey as CryptoKey, jwk };
    })();
    return this.#keys;
  }

  async jwks(): Promise<{ keys: JWK[] }> {
    return { keys: [(await this.#keyPair()).jwk] };
  }

  async appToken(tenantId: string, client: SeedClient): Promise<string> {
    return this.#sign(
      {
        tid: tenantId,
        appid: client.clientId,
        azp: client.clientId,
        roles: client.permissions,
        idtyp: 'app',
        oid: client.clientId,
        sub: client.clientId,
      },
      tenantId,
      GRAPH_AUDIENCE,
    );
  }

  async userToken(tenantId: string, client: SeedClient, user: SeedUser): Promise<string> {
    const wids = user.directoryRoles.map((name) => DIRECTORY_ROLES[name]).filter((id): id is string => !!id);
    return this.#sign(
      {
        tid: tenantId,
        appid: client.clientId,
        azp: client.clientId,
        scp: DELEGATED_SCOPES.join(' '),
        wids,
        idtyp: 'user',
        oid: user.id,
        sub: user.id,
        upn: user.userPrincipalName,
        name: user.displayName,
      },
      tenantId,
      GRAPH_AUDIENCE,
    );
  }

  /** The id token MSAL reads to build its account (no access is granted by it). */
  async idToken(
    tenantId: string,
    client: SeedClient,
    user: SeedUser,
    issuer: string,
    signIn: { nonce?: string | undefined } = {},
  ): Promise<string> {
    // The app roles the user holds in this app, as Entra puts them in an ID token (absent when none).
    const roles = client.appRoles[user.id];
    return new SignJWT({
      tid: tenantId,
      oid: user.id,
      preferred_username: user.userPrincipalName,
      name: user.displayName,
      ver: '2.0',
      ...(roles && roles.length > 0 ? { roles } : {}),
      ...(signIn.nonce ? { nonce: signIn.nonce } : {}),
    })
      .setProtectedHeader({ alg: 'RS256', kid: this.kid, typ: 'JWT' })
      .setIssuer(issuer)
      .setAudience(client.clientId)
      .setSubject(user.id)
      .setIssuedAt()
      .setExpirationTime(`${this.lifetimeSeconds}s`)
      .sign((await this.#keyPair()).privateKey);
  }

  /** Checks a Graph access token: signature, audience, lifetime. */
  async verify(token: string, tenantId: string): Promise<Caller> {
    // A signature check costs more than the rest of a call: remember good tokens until they expire.
    const known = this.#verified.get(token);
    if (known && known.expiresAt > Date.now()) return known.caller;
    const caller = await this.#verifyFully(token, tenantId);
    if (this.#verified.size > 10_000) this.#verified.clear();
    this.#verified.set(token, { caller, expiresAt: caller.expiresAt });
    return caller;
  }

  #verified = new Map<string, { caller: Caller; expiresAt: number }>();

  async #verifyFully(token: string, tenantId: string): Promise<Caller> {
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, (await this.#keyPair()).publicKey, {
        audience: GRAPH_AUDIENCE,
        clockTolerance: 0,
      }));
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'ERR_JWT_EXPIRED')
        throw new TokenError(
          'InvalidAuthenticationToken',
          'Lifetime validation failed, the token is expired.',
        );
      if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED')
        throw new TokenError('InvalidAuthenticationToken', 'Invalid audience.');
      throw new TokenError(
        'InvalidAuthenticationToken',
        'IDX14100: JWT is not well formed or its signature is invalid.',
      );
    }
    if (payload.tid !== tenantId)
      throw new TokenError('InvalidAuthenticationToken', 'The token was issued for another tenant.');
    const user = payload.idtyp === 'user';
    return {
      tenantId,
      clientId: String(payload.appid),
      kind: user ? 'user' : 'app',
      permissions: user
        ? String(payload.scp ?? '')
            .split(' ')
            .filter(Boolean)
        : ((payload.roles as string[]) ?? []),
      userId: user ? String(payload.oid) : undefined,
      roleIds: (payload.wids as string[]) ?? [],
      expiresAt: Number(payload.exp) * 1000,
    } as Caller;
  }

  /**
   * Checks a client assertion (certificate credential): signed by a key of one of the client's
   * certificates, named by `x5t` or `x5t#S256`, issued and subject to the client, for this endpoint.
   */
  async verifyClientAssertion(assertion: string, client: SeedClient, tokenEndpoint: string): Promise<void> {
    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      header = decodeProtectedHeader(assertion);
    } catch {
      throw new TokenError('invalid_client', 'AADSTS50027: JWT token is invalid or malformed.');
    }
    const certificate = client.certificates.find((pem) => {
      const der = new X509Certificate(pem).raw;
      return (
        header.x5t === createHash('sha1').update(der).digest('base64url') ||
        header['x5t#S256'] === createHash('sha256').update(der).digest('base64url')
      );
    });
    if (!certificate) {
      throw new TokenError(
        'invalid_client',
        `AADSTS700027: The certificate with identifier used to sign the client assertion is not registered on application ${client.clientId}.`,
      );
    }
    try {
      const key = await importX509(certificate, header.alg ?? 'RS256');
      await jwtVerify(assertion, key, {
        // Entra ID allows five minutes of clock skew in client assertions.
        clockTolerance: 300,
        issuer: client.clientId,
        subject: client.clientId,
        audience: [tokenEndpoint, tokenEndpoint.replace(/\/v2\.0\/token$/, '/token')],
      });
    } catch (error) {
      throw new TokenError(
        'invalid_client',
        `AADSTS700027: Client assertion failed signature validation. (${(error as Error).message})`,
      );
    }
  }

  async #sign(claims: Record<string, unknown>, tenantId: string, audience: string): Promise<string> {
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: this.kid, typ: 'JWT' })
      .setIssuer(`https://sts.windows.net/${tenantId}/`)
      .setAudience(audience)
      .setIssuedAt()
      .setNotBefore('0s')
      .setExpirationTime(`${this.lifetimeSeconds}s`)
      .setJti(randomUUID())
      .sign((await this.#keyPair()).privateKey);
  }
}
