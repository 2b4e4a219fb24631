import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import { type Dispatcher, request } from 'undici';

/**
 * MSAL's network module on undici, so token calls share the client's connection pool and trust the
 * same CA (MSAL's own client cannot be told to trust the simulator's).
 */
export class UndiciNetworkClient implements INetworkModule {
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
    const response = await request(url, {
      method,
      headers: options?.headers,
      body: options?.body,
      dispatcher: this.dispatcher,
      ...(timeout ? { signal: AbortSignal.timeout(timeout) } : {}),
    });
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
    return { headers, body: body as T, status: response.statusCode };
  }
}
