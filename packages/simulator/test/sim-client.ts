import { Agent, type Dispatcher, request } from 'undici';
import type { RunningSimulator } from '../src/index.js';

/** Plain HTTP calls to a running simulator over loopback, trusting its CA: what tests need, nothing more. */
export function simClient(sim: RunningSimulator) {
  const dispatcher = new Agent({ connect: sim.caPem ? { ca: sim.caPem } : {} });

  async function call(
    method: Dispatcher.HttpMethod,
    path: string,
    options: { headers?: Record<string, string>; body?: string } = {},
  ) {
    const response = await request(`${sim.url}${path}`, {
      method,
      headers: options.headers,
      body: options.body,
      dispatcher,
    });
    const text = await response.body.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.statusCode, headers: response.headers, text, json };
  }

  async function token(clientId = sim.clientId, secret = sim.clientSecret) {
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: secret,
      scope: 'https://graph.microsoft.com/.default',
    });
    return call('POST', `/${sim.tenantId}/oauth2/v2.0/token`, {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: body.toString(),
    });
  }

  let cached: string | undefined;
  async function graph(
    method: Dispatcher.HttpMethod,
    path: string,
    options: { body?: unknown; headers?: Record<string, string>; accessToken?: string } = {},
  ) {
    cached ??= (await token()).json.access_token as string;
    const headers: Record<string, string> = {
      authorization: `Bearer ${options.accessToken ?? cached}`,
      ...options.headers,
    };
    if (options.body !== undefined) headers['content-type'] ??= 'application/json';
    return call(method, `/v1.0${path}`, {
      headers,
      body:
        options.body === undefined
          ? undefined
          : typeof options.body === 'string'
            ? options.body
            : JSON.stringify(options.body),
    });
  }

  async function control(method: Dispatcher.HttpMethod, path: string, body?: unknown) {
    return call(method, `/_sim${path}`, {
      headers: { authorization: `Bearer ${sim.controlToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  return { call, token, graph, control, close: () => dispatcher.close() };
}
