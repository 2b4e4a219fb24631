import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jwtAuthenticator } from './jwt-authenticator.js';

const issuer = 'https://sts.windows.net/t/';
const audience = 'api://ondemand-proxy';
let keys: Awaited<ReturnType<typeof generateKeyPair>>;
let server: ReturnType<typeof createServer>;
let authenticate: ReturnType<typeof jwtAuthenticator>;

beforeAll(async () => {
  keys = await generateKeyPair('RS256');
  const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(keys.publicKey)), kid: 'k1', alg: 'RS256' }] });
  server = createServer((_, answer) => answer.setHeader('content-type', 'application/json').end(jwks));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  authenticate = jwtAuthenticator({
    issuer,
    audience,
    jwksUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/keys`,
    rolesClaim: 'roles',
    principalClaim: 'oid',
    roleMap: { 'Provisioning.Request': 'requester' },
  });
});
afterAll(() => server.close());

function token(claims: { exp?: number }) {
  const signing = new SignJWT({ roles: ['Provisioning.Request'], oid: 'alice' })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt();
  return (claims.exp === undefined ? signing : signing.setExpirationTime(claims.exp)).sign(keys.privateKey);
}

describe('jwtAuthenticator', () => {
  it('takes a token that expires, with its roles mapped', async () => {
    const exp = Math.floor(Date.now() / 1000) + 3_600;
    expect(await authenticate(await token({ exp }))).toEqual({ principal: 'alice', roles: ['requester'] });
  });

  it('refuses a token without an expiry, which would be good forever', async () => {
    expect(await authenticate(await token({}))).toBeUndefined();
  });

  it('refuses an expired token', async () => {
    expect(await authenticate(await token({ exp: Math.floor(Date.now() / 1000) - 3_600 }))).toBeUndefined();
  });

  it('refuses a token that lives longer than maxTokenLifetimeMinutes (default a day)', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(await authenticate(await token({ exp: now + 2 * 24 * 3_600 }))).toBeUndefined();
    expect(await authenticate(await token({ exp: now + 23 * 3_600 }))).toEqual({
      principal: 'alice',
      roles: ['requester'],
    });
  });
});
