import { createHash, randomBytes } from 'node:crypto';
import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from 'jose';
import { Agent, fetch as undiciFetch } from 'undici';
import { z } from 'zod';
import { rolesOf } from '../auth/jwt-authenticator.js';
import type { Role } from '../auth/roles.js';

export interface OidcSignInOptions {
  /** The issuer; its metadata is at `{authority}/.well-known/openid-configuration`. */
  authority: string;
  clientId: string;
  clientSecret: string;
  /** PEM of a CA to trust for the identity provider (the simulator's). */
  ca?: string | undefined;
  rolesClaim: string;
  principalClaim: string;
  roleMap: Record<string, Role>;
}

/** Who signed in, as the ID token says. */
export interface SignedIn {
  principal: string;
  name: string | null;
  roles: Role[];
}

/** A sign-in the identity provider or its token refused: said to the person in plain words. */
export class SignInRefused extends Error {}

const metadataSchema = z.looseObject({
  issuer: z.string(),
  authorization_endpoint: z.url(),
  token_endpoint: z.url(),
  jwks_uri: z.url(),
});

/** What starts a sign-in: the PKCE verifier (kept on the server), its challenge, state and nonce. */
export interface SignInStart {
  verifier: string;
  state: string;
  nonce: string;
}

/** Fresh random values for a sign-in (32 bytes each, base64url). */
export function newSignIn(): SignInStart {
  const random = () => randomBytes(32).toString('base64url');
  return { verifier: random(), state: random(), nonce: random() };
}

/**
 * OpenID Connect's authorization code flow with PKCE, for a confidential web app: where to send the
 * browser, and the code redeemed for an ID token whose signature (the issuer's keys), issuer,
 * audience, expiry and nonce are checked. Hand-written rather than a client library: it is two
 * requests and one `jwtVerify`, and jose (already here for API JWTs) does the part that is hard.
 */
export class OidcSignIn {
  readonly #dispatcher: Agent | undefined;
  #metadata: Promise<z.infer<typeof metadataSchema>> | undefined;
  #keys: { at: number; keys: ReturnType<typeof createLocalJWKSet> } | undefined;

  constructor(private readonly options: OidcSignInOptions) {
    this.#dispatcher = options.ca ? new Agent({ connect: { ca: options.ca } }) : undefined;
  }

  /** The identity provider's authorization URL for this sign-in. */
  async authorizationUrl(start: SignInStart, redirectUri: string): Promise<string> {
    const metadata = await this.#readMetadata();
    const url = new URL(metadata.authorization_endpoint);
    url.search = new URLSearchParams({
      client_id: this.options.clientId,
      response_type: 'code',
      redirect_uri: redirectUri,
      response_mode: 'query',
      scope: 'openid profile',
      state: start.state,
      nonce: start.nonce,
      code_challenge: createHash('sha256').update(start.verifier).digest('base64url'),
      code_challenge_method: 'S256',
    }).toString();
    return url.toString();
  }

  /** Redeems the code, checks the ID token and reads who it is and their roles. */
  async redeem(code: string, start: SignInStart, redirectUri: string): Promise<SignedIn> {
    const metadata = await this.#readMetadata();
    const answer = await this.#fetch(metadata.token_endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: this.options.clientId,
        client_secret: this.options.clientSecret,
        code,
        redirect_uri: redirectUri,
        code_verifier: start.verifier,
      }).toString(),
    });
    const body = (await answer.json().catch(() => ({}))) as {
      id_token?: unknown;
      error_description?: unknown;
    };
    if (!answer.ok || typeof body.id_token !== 'string')
      throw new SignInRefused(
        `the identity provider did not sign you in (${answer.status}${typeof body.error_description === 'string' ? `: ${body.error_description.split(' Trace ID')[0]}` : ''})`,
      );
    let claims: Record<string, unknown>;
    try {
      ({ payload: claims } = await jwtVerify(body.id_token, await this.#readKeys(metadata.jwks_uri), {
        issuer: metadata.issuer,
        audience: this.options.clientId,
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      throw new SignInRefused(`the identity provider's ID token did not verify: ${(error as Error).message}`);
    }
    // The nonce ties the token to this sign-in: a token from another one is not accepted here.
    if (claims.nonce !== start.nonce) throw new SignInRefused('the ID token is not for this sign-in (nonce)');
    const principal = String(claims[this.options.principalClaim] ?? claims.oid ?? claims.sub ?? '');
    if (!principal) throw new SignInRefused(`the ID token has no ${this.options.principalClaim}`);
    return {
      principal,
      name: typeof claims.name === 'string' ? claims.name : null,
      roles: rolesOf(claims[this.options.rolesClaim], this.options.roleMap),
    };
  }

  async close(): Promise<void> {
    await this.#dispatcher?.close();
  }

  #readMetadata() {
    this.#metadata ??= (async () => {
      const url = `${this.options.authority.replace(/\/+$/, '')}/.well-known/openid-configuration`;
      const answer = await this.#fetch(url, {});
      if (!answer.ok)
        throw new SignInRefused(`the identity provider's metadata (${url}) answered ${answer.status}`);
      return metadataSchema.parse(await answer.json());
    })().catch((error) => {
      // Read again next time: the provider may have been away.
      this.#metadata = undefined;
      throw error;
    });
    return this.#metadata;
  }

  /** The issuer's keys, read again after 10 minutes (keys roll over). */
  async #readKeys(jwksUri: string) {
    if (this.#keys && Date.now() - this.#keys.at < 600_000) return this.#keys.keys;
    const answer = await this.#fetch(jwksUri, {});
    if (!answer.ok)
      throw new SignInRefused(`the identity provider's keys (${jwksUri}) answered ${answer.status}`);
    const keys = createLocalJWKSet((await answer.json()) as JSONWebKeySet);
    this.#keys = { at: Date.now(), keys };
    return keys;
  }

  /** One request to the identity provider; not reaching it is said as a refused sign-in, in words. */
  async #fetch(url: string, init: { method?: string; headers?: Record<string, string>; body?: string }) {
    try {
      return await undiciFetch(url, {
        ...init,
        signal: AbortSignal.timeout(10_000),
        ...(this.#dispatcher ? { dispatcher: this.#dispatcher } : {}),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw new SignInRefused(
        `the identity provider (${new URL(url).origin}) could not be reached: ${cause}`,
      );
    }
  }
}
