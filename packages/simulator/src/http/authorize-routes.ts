import { createHash, randomBytes } from 'node:crypto';
import { type Context, Hono } from 'hono';
import { html } from 'hono/html';
import type { SeedClient } from '../seed/seed-schema.js';
import type { SimulatorContext } from './simulator-context.js';

/** How long a code the authorization endpoint gives is good for (Entra ID: about ten minutes). */
const CODE_LIFETIME_MS = 10 * 60_000;

/**
 * The authorization endpoint of Entra ID's code flow, for web apps that sign people in (the ondemand
 * console): `GET …/oauth2/v2.0/authorize` shows a page to pick one of the demo people who hold an app
 * role in the app (Entra ID would ask for a password), and picking one sends the browser back to the
 * app's reply URL with a code, bound to the app, the reply URL and the PKCE challenge. The token
 * endpoint takes the code once (see identity-routes.ts). PKCE's S256 is required here, as ondemand
 * always sends it; Entra ID also allows plain and none for confidential apps.
 */
export function authorizeRoutes(sim: SimulatorContext): Hono {
  const app = new Hono();

  app.get('/:tenant/oauth2/v2.0/authorize', (c) => {
    const request = checkRequest(sim, new URL(c.req.url).searchParams);
    if ('problem' in request) return refused(c, request.problem);
    const people = Object.entries(request.client.appRoles).flatMap(([userId, roles]) => {
      const user = sim.tenant.users.get(userId);
      return user ? [{ id: user.id, name: user.displayName, upn: user.userPrincipalName, roles }] : [];
    });
    const carried = [
      'client_id',
      'redirect_uri',
      'state',
      'nonce',
      'code_challenge',
      'code_challenge_method',
    ];
    const params = new URL(c.req.url).searchParams;
    return c.html(html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Sign in · simulated Entra ID</title>
  </head>
  <body>
    <main>
      <h1>Sign in to ${request.client.displayName}</h1>
      <p>The simulator's Entra ID: pick who you are. Each person holds the app roles shown.</p>
      <form method="post">
        ${carried.map((name) => html`<input type="hidden" name="${name}" value="${params.get(name) ?? ''}" />`)}
        <ul>
          ${people.map(
            (person) =>
              html`<li>
                <button type="submit" name="user" value="${person.id}">${person.name}</button>
                <span>${person.upn} · ${person.roles.join(', ')}</span>
              </li>`,
          )}
        </ul>
      </form>
    </main>
  </body>
</html>`);
  });

  app.post('/:tenant/oauth2/v2.0/authorize', async (c) => {
    const form = await c.req.parseBody();
    const params = new URLSearchParams(
      Object.entries(form).flatMap(
        ([name, value]): Array<[string, string]> => (typeof value === 'string' ? [[name, value]] : []),
      ),
    );
    const request = checkRequest(sim, params);
    if ('problem' in request) return refused(c, request.problem);
    const userId = params.get('user') ?? '';
    if (!request.client.appRoles[userId] || !sim.tenant.users.get(userId))
      return refused(c, 'AADSTS50105: The signed in user is not assigned to a role for the application.');
    const code = randomBytes(32).toString('base64url');
    sim.authorizationCodes.set(code, {
      clientId: request.client.clientId,
      redirectUri: request.redirectUri,
      userId,
      codeChallenge: request.codeChallenge,
      nonce: params.get('nonce') ?? undefined,
      expiresAt: Date.now() + CODE_LIFETIME_MS,
    });
    const back = new URL(request.redirectUri);
    back.searchParams.set('code', code);
    if (params.get('state') !== null) back.searchParams.set('state', params.get('state')!);
    return c.redirect(back.toString(), 302);
  });

  return app;
}

/** Whether a code's verifier is the one its challenge was made from (S256). */
export function pkceMatches(challenge: string, verifier: string): boolean {
  return createHash('sha256').update(verifier).digest('base64url') === challenge;
}

/**
 * A reply URL as Entra ID matches it: exactly as registered, but a loopback one (127.0.0.1,
 * localhost) on any port, as Entra ID documents for local development.
 */
export function replyUrlRegistered(client: SeedClient, redirectUri: string): boolean {
  let given: URL;
  try {
    given = new URL(redirectUri);
  } catch {
    return false;
  }
  return client.redirectUris.some((registered) => {
    const url = new URL(registered);
    if (url.protocol !== given.protocol || url.pathname !== given.pathname || url.hostname !== given.hostname)
      return false;
    return url.port === given.port || ['127.0.0.1', 'localhost'].includes(url.hostname);
  });
}

/** The authorization request checked as Entra ID checks it, or what is wrong with it (an AADSTS message). */
function checkRequest(
  sim: SimulatorContext,
  params: URLSearchParams,
): { client: SeedClient; redirectUri: string; codeChallenge: string } | { problem: string } {
  const clientId = params.get('client_id') ?? '';
  const client = sim.tenant.seed.clients.find((each) => each.clientId === clientId);
  if (!client)
    return {
      problem: `AADSTS700016: Application with identifier '${clientId}' was not found in the directory.`,
    };
  const redirectUri = params.get('redirect_uri') ?? '';
  if (!replyUrlRegistered(client, redirectUri))
    return {
      problem: `AADSTS50011: The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${clientId}'.`,
    };
  if ((params.get('response_type') ?? 'code') !== 'code')
    return { problem: 'AADSTS700054: response_type is not enabled for the application: use code.' };
  const codeChallenge = params.get('code_challenge') ?? '';
  if (!codeChallenge || params.get('code_challenge_method') !== 'S256')
    return { problem: 'AADSTS9002325: Proof Key for Code Exchange (S256) is required here.' };
  return { client, redirectUri, codeChallenge };
}

/** A refused sign-in, as a page (the browser shows it; nothing is sent back to the app). */
function refused(c: Context, problem: string) {
  return c.html(
    html`<!doctype html>
<html lang="en"><head><meta charset="utf-8" /><title>Sign-in refused</title></head>
<body><main><h1>Sorry, but we’re having trouble signing you in.</h1><p>${problem}</p></main></body></html>`,
    400,
  );
}
