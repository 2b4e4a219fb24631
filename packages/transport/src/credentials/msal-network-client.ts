import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import { type Dispatcher, request } from 'undici';
import { connectionHint, errorCode } from '../http/connection-failure.js';

/**
 * MSAL's network module on undici, so token calls share the client's connection pool and trust the
 * same CA (MSAL's own client cannot be told to trust the simulator's).
 */
export class UndiciNetworkClient implements INetworkModule {
  /**
   * What went wrong on the authority's side last, in words: MSAL reports a failed metadata lookup only
   * as `endpoints_resolution_error`, hiding an untrusted certificate or Entra's AADSTS90002 (no such
   * tenant). The credential reads it from here to say what really happened.
   */
  lastFailure: string | undefined;

  constructor(private readonly dispatcher: Dispatcher) {}

  sendGetRequestAsync<T>(
    url: string,
    options?: NetworkRequestOptions,
    timeout?: number,
  ): Promise<NetworkResponse<T>> {
    return this.#send<T>('GET', url, options, timeout);
  }

  sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.#send<T>('POST', url, options);
  }

  async #send<T>(
    method: 'GET' | 'POST',
    url: string,
    options?: NetworkRequestOptions,
    timeout?: number,
  ): Promise<NetworkResponse<T>> {
    let response: Awaited<ReturnType<typeof request>>;
    try {
      response = await request(url, {
        method,
        headers: options?.headers,
        body: options?.body,
        dispatcher: this.dispatcher,
        ...(timeout ? { signal: AbortSignal.timeout(timeout) } : {}),
      });
    } catch (error) {
      const code = errorCode(error);
      this.lastFailure = `could not reach the sign-in authority at ${new URL(url).origin} (${code}): ${connectionHint(code)}`;
      throw error;
    }
    const text = await response.body.text();
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers)) {
      if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
    }
    let body: unknown = {};
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      body = {
        error: 'invalid_response',
        error_description: `the authority answered HTTP ${response.statusCode} with a body that is not JSON`,
      };
    }
    const description = (body as { error_description?: unknown }).error_description;
    if (response.statusCode >= 400 && typeof description === 'string')
      this.lastFailure = description.split(/ Trace ID:|\r?\n/)[0]!.trim();
    return { headers, body: body as T, status: response.statusCode };
  }
}
