import { randomBytes, randomUUID } from 'node:crypto';
import { type Context, Hono } from 'hono';
import { authorizeRoutes, pkceMatches } from './authorize-routes.js';
import type { SimulatorContext } from './simulator-context.js';
import { TokenError } from './token-service.js';

/**
 * Entra ID's endpoints as MSAL uses them: OpenID metadata, keys, the v2.0 token endpoint (client
 * credentials with a secret or a certificate assertion, device code, refresh token, authorization
 * code with PKCE), device code, and the authorization endpoint a web app signs people in with.
 * Errors carry Entra's shape and AADSTS codes.
 */
export function identityRoutes(sim: SimulatorContext): Hono {
  const app = new Hono();
  const tenantId = () => sim.tenant.seed.tenantId;

  app.use('/:tenant/*', async (c, next) => {
    const tenant = c.req.param('tenant');
    if (tenant !== tenantId() && tenant !== sim.tenant.seed.tenantDomain && tenant !== 'organizations') {
      return oauthError(
        c,
        400,
        'invalid_request',
        90002,
        `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
      );
    }
    await next();
  });

  app.get('/:tenant/v2.0/.well-known/openid-configuration', (c) => {
    const base = `${origin(c)}/${c.req.param('tenant')}`;
    return c.json({
      issuer: `${origin(c)}/${tenantId()}/v2.0`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      token_endpoint: `${base}/oauth2/v2.0/token`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      jwks_uri: `${base}/discovery/v2.0/keys`,
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      tenant_region_scope: 'NA',
      cloud_instance_name: 'microsoftonline.com',
    });
  });

  app.get('/:tenant/discovery/v2.0/keys', async (c) => c.json(await sim.tokens.jwks()));

  // The code flow's authorization endpoint (the console's sign-in).
  app.route('/', authorizeRoutes(sim));

  app.post('/:tenant/oauth2/v2.0/devicecode', async (c) => {
    const form = await c.req.parseBody();
    const client = sim.tenant.seed.clients.find((each) => each.clientId === form.client_id);
    if (!client) return unknownClient(c, String(form.client_id ?? ''));
    if (!client.allowDeviceCode)
      return oauthError(
        c,
        400,
        'invalid_client',
        7000218,
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
      );
    const deviceCode = randomBytes(32).toString('base64url');
    const userCode = randomBytes(6)
      .toString('base64url')
      .toUpperCase()
      .replace(/[^A-Z0-9]/g, 'X')
      .slice(0, 9);
    sim.deviceCodes.set(deviceCode, { userCode, clientId: client.clientId, expiresAt: Date.now() + 900_000 });
    const verificationUri = `${origin(c)}/devicelogin`;
    return c.json({
      user_code: userCode,
      device_code: deviceCode,
      verification_uri: verificationUri,
      expires_in: 900,
      interval: 1,
      message: `To sign in, use a web browser to open the page ${verificationUri} and enter the code ${userCode} to authenticate.`,
    });
  });

  app.post('/:tenant/oauth2/v2.0/token', async (c) => {
    const form = await c.req.parseBody();
    const clientId = String(form.client_id ?? '');
    const client = sim.tenant.seed.clients.find((each) => each.clientId === clientId);
    if (!client) return unknownClient(c, clientId);
    const grantType = String(form.grant_type ?? '');
    const tokenEndpoint = `${origin(c)}${c.req.path}`;

    if (grantType === 'client_credentials') {
      try {
        if (typeof form.client_assertion === 'string') {
          await sim.tokens.verifyClientAssertion(form.client_assertion, client, tokenEndpoint);
        } else if (typeof form.client_secret === 'string') {
          if (!client.secret || form.client_secret !== client.secret) {
            return oauthError(
              c,
              401,
              'invalid_client',
              7000215,
              `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
            );
          }
        } else {
          return oauthError(
            c,
            401,
            'invalid_client',
            7000218,
            "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
          );
        }
      } catch (error) {
        if (error instanceof TokenError)
          return oauthError(c, 401, error.code, 700027, error.message.replace(/^AADSTS\d+: /, ''));
        throw error;
      }
      const scope = String(form.scope ?? '');
      if (!scope.split(' ').some((each) => each.endsWith('/.default'))) {
        return oauthError(
          c,
          400,
          'invalid_scope',
          1002012,
          `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
        );
      }
      return tokenAnswer(c, { access_token: await sim.tokens.appToken(tenantId(), client) });
    }

    if (grantType === 'urn:ietf:params:oauth:grant-type:device_code' || grantType === 'device_code') {
      const pending = sim.deviceCodes.get(String(form.device_code ?? ''));
      if (!pending || pending.clientId !== clientId)
        return oauthError(
          c,
          400,
          'invalid_grant',
          70000,
          'The provided value for the input parameter device_code is not valid.',
        );
      if (Date.now() > pending.expiresAt)
        return oauthError(
          c,
          400,
          'expired_token',
          70020,
          'The provided value for the input parameter device_code has expired.',
        );
      if (pending.denied)
        return oauthError(
          c,
          400,
          'authorization_declined',
          70019,
          'The end user denied the authorization request.',
        );
      if (!pending.userId)
        return oauthError(
          c,
          400,
          'authorization_pending',
          70016,
          'OAuth 2.0 device flow error. Authorization is pending. Continue polling.',
        );
      sim.deviceCodes.delete(String(form.device_code));
      return userTokens(c, client.clientId, pending.userId);
    }

    if (grantType === 'authorization_code') {
      // A web app is a confidential client: its secret first, then the code, once, as it was given.
      if (!client.secret || form.client_secret !== client.secret)
        return oauthError(
          c,
          401,
          'invalid_client',
          7000215,
          `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
        );
      const code = String(form.code ?? '');
      const given = sim.authorizationCodes.get(code);
      sim.authorizationCodes.delete(code);
      if (!given || given.clientId !== clientId || Date.now() > given.expiresAt)
        return oauthError(
          c,
          400,
          'invalid_grant',
          70008,
          'The provided authorization code or refresh token has expired due to inactivity or was already redeemed. Send a new interactive authorization request for this user and resource.',
        );
      if (given.redirectUri !== String(form.redirect_uri ?? ''))
        return oauthError(
          c,
          400,
          'invalid_grant',
          50148,
          'The redirect_uri does not match the one the authorization code was requested with.',
        );
      if (!pkceMatches(given.codeChallenge, String(form.code_verifier ?? '')))
        return oauthError(
          c,
          400,
          'invalid_grant',
          50148,
          'The code_verifier does not match the code_challenge supplied in the authorization request.',
        );
      const user = sim.tenant.users.get(given.userId)!;
      return tokenAnswer(c, {
        access_token: await sim.tokens.userToken(tenantId(), client, user),
        id_token: await sim.tokens.idToken(tenantId(), client, user, `${origin(c)}/${tenantId()}/v2.0`, {
          nonce: given.nonce,
        }),
        scope: 'openid profile',
      });
    }

    if (grantType === 'refresh_token') {
      const grant = sim.refreshTokens.get(String(form.refresh_token ?? ''));
      if (!grant || grant.clientId !== clientId)
        return oauthError(
          c,
          400,
          'invalid_grant',
          9002313,
          'Invalid request. Request is malformed or invalid.',
        );
      return userTokens(c, clientId, grant.userId);
    }

    return oauthError(
      c,
      400,
      'unsupported_grant_type',
      70003,
      `The app requested an unsupported grant type '${grantType}'.`,
    );
  });

  async function userTokens(c: Context, clientId: string, userId: string) {
    const client = sim.tenant.seed.clients.find((each) => each.clientId === clientId)!;
    const user = sim.tenant.users.get(userId)!;
    const refreshToken = randomBytes(32).toString('base64url');
    sim.refreshTokens.set(refreshToken, { clientId, userId });
    return tokenAnswer(c, {
      access_token: await sim.tokens.userToken(tenantId(), client, user),
      id_token: await sim.tokens.idToken(tenantId(), client, user, `${origin(c)}/${tenantId()}/v2.0`),
      refresh_token: refreshToken,
      client_info: Buffer.from(JSON.stringify({ uid: user.id, utid: tenantId() })).toString('base64url'),
      scope:
        'https://graph.microsoft.com/Synchronization.ReadWrite.All https://graph.microsoft.com/User.Read.All https://graph.microsoft.com/Group.Read.All https://graph.microsoft.com/Application.Read.All openid profile offline_access',
    });
  }

  function tokenAnswer(c: Context, tokens: Record<string, string>) {
    return c.json({
      token_type: 'Bearer',
      expires_in: sim.tokens.lifetimeSeconds,
      ext_expires_in: sim.tokens.lifetimeSeconds,
      ...tokens,
    });
  }

  function unknownClient(c: Context, clientId: string) {
    return oauthError(
      c,
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenantId()}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`,
    );
  }

  return app;
}

/** Entra ID's error shape: `error`, `error_description` with its AADSTS code, ids and a timestamp. */
function oauthError(c: Context, status: number, error: string, aadsts: number, description: string) {
  const traceId = randomUUID();
  return c.json(
    {
      error,
      error_description: `AADSTS${aadsts}: ${description} Trace ID: ${traceId} Correlation ID: ${c.req.header('client-request-id') ?? randomUUID()} Timestamp: ${new Date().toISOString()}`,
      error_codes: [aadsts],
      timestamp: new Date().toISOString(),
      trace_id: traceId,
      correlation_id: c.req.header('client-request-id') ?? randomUUID(),
    },
    status as never,
  );
}

function origin(c: Context): string {
  return new URL(c.req.url).origin;
}
