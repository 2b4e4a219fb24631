import { createHash, randomBytes } from 'node:crypto';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CLIENT_ID, type RunningSimulator, startSimulator } from '../src/index.js';
import { simClient } from './sim-client.js';

let sim: RunningSimulator;
let client: ReturnType<typeof simClient>;
beforeAll(async () => {
  sim = await startSimulator();
  client = simClient(sim);
});
afterAll(async () => {
  await client.close();
  await sim.stop();
});

const consoleSecret = () =>
  sim.context.tenant.seed.clients.find((each) => each.clientId === CONSOLE_CLIENT_ID)!.secret!;
const replyUrl = 'https://127.0.0.1:8443/console/callback';
const formBody = (fields: Record<string, string>) => ({
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

/** A sign-in as a browser makes it: the page, a person picked, the code back at the reply URL. */
async function signIn(options: { user?: string; redirectUri?: string } = {}) {
  const verifier = randomBytes(32).toString('base64url');
  const params = {
    client_id: CONSOLE_CLIENT_ID,
    response_type: 'code',
    redirect_uri: options.redirectUri ?? replyUrl,
    scope: 'openid profile',
    state: 'state-123',
    nonce: 'nonce-456',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  };
  const page = await client.call(
    'GET',
    `/${sim.tenantId}/oauth2/v2.0/authorize?${new URLSearchParams(params)}`,
  );
  const user = options.user ?? /name="user" value="([^"]+)"/.exec(page.text)?.[1] ?? 'no person on the page';
  const picked = await client.call(
    'POST',
    `/${sim.tenantId}/oauth2/v2.0/authorize`,
    formBody({ ...params, user }),
  );
  return { page, picked, verifier, user };
}

const redeem = (code: string, verifier: string, overrides: Record<string, string> = {}) =>
  client.call(
    'POST',
    `/${sim.tenantId}/oauth2/v2.0/token`,
    formBody({
      grant_type: 'authorization_code',
      client_id: CONSOLE_CLIENT_ID,
      client_secret: consoleSecret(),
      code,
      redirect_uri: replyUrl,
      code_verifier: verifier,
      ...overrides,
    }),
  );

describe('signing in to a web app with a code and PKCE', () => {
  it('shows the people who hold the app’s roles, sends the code back, and issues an ID token with roles and nonce', async () => {
    const { page, picked, verifier, user } = await signIn();
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/Sign in to ondemand console/);
    expect(page.text).toMatch(/requester/);
    expect(picked.status).toBe(302);
    const back = new URL(String(picked.headers.location));
    expect(`${back.origin}${back.pathname}`).toBe(replyUrl);
    expect(back.searchParams.get('state')).toBe('state-123');
    const answer = await redeem(back.searchParams.get('code')!, verifier);
    expect(answer.status).toBe(200);
    const keys = createLocalJWKSet((await client.call('GET', `/${sim.tenantId}/discovery/v2.0/keys`)).json);
    const { payload: claims } = await jwtVerify(answer.json.id_token, keys, {
      issuer: `${sim.url}/${sim.tenantId}/v2.0`,
      audience: CONSOLE_CLIENT_ID,
    });
    expect(claims).toMatchObject({ oid: user, nonce: 'nonce-456' });
    expect((claims.roles as string[]).length).toBeGreaterThan(0);
  });

  it('takes a code once, only with its verifier and reply URL', async () => {
    const first = await signIn();
    const code = new URL(String(first.picked.headers.location)).searchParams.get('code')!;
    const wrongVerifier = await redeem(code, randomBytes(32).toString('base64url'));
    expect(wrongVerifier.status).toBe(400);
    expect(wrongVerifier.json.error_description).toMatch(/code_verifier does not match/);
    // A code is spent by any attempt: the right verifier afterwards is refused too.
    expect((await redeem(code, first.verifier)).json.error).toBe('invalid_grant');

    const second = await signIn();
    const other = new URL(String(second.picked.headers.location)).searchParams.get('code')!;
    const elsewhere = await redeem(other, second.verifier, {
      redirect_uri: 'https://127.0.0.1:8443/elsewhere',
    });
    expect(elsewhere.json.error).toBe('invalid_grant');
    const noSecret = await redeem('x', 'y', { client_secret: 'wrong' });
    expect(noSecret.status).toBe(401);
  });

  it('refuses an unregistered reply URL, a person without a role and a request without PKCE', async () => {
    const stranger = await signIn({ redirectUri: 'https://evil.example/console/callback' });
    expect(stranger.page.status).toBe(400);
    expect(stranger.page.text).toMatch(/AADSTS50011/);
    const nobody = [...sim.context.tenant.users.values()].at(-3)!.id;
    const withoutRole = await signIn({ user: nobody });
    expect(withoutRole.picked.status).toBe(400);
    expect(withoutRole.picked.text).toMatch(/AADSTS50105/);
    const noPkce = await client.call(
      'GET',
      `/${sim.tenantId}/oauth2/v2.0/authorize?client_id=${CONSOLE_CLIENT_ID}&redirect_uri=${encodeURIComponent(replyUrl)}&response_type=code`,
    );
    expect(noPkce.text).toMatch(/Proof Key for Code Exchange/);
  });
});
