import type { MiddlewareHandler } from 'hono';
import { ProxyError } from '../../http/proxy-error.js';
import type { ProxyEnv } from '../context.js';

/**
 * Refuses a declared body past `maxBytes` before anything is read (every route has the limit; the
 * body readers stop a body that says nothing of its length at the same size).
 */
export function bodyLimit(maxBytes: number): MiddlewareHandler<ProxyEnv> {
  return async (c, next) => {
    if (Number(c.req.header('content-length') ?? 0) > maxBytes)
      throw new ProxyError(
        413,
        'RequestEntityTooLarge',
        `The request body is larger than ${maxBytes} bytes.`,
        {
          headers: { Connection: 'close' },
        },
      );
    await next();
  };
}
