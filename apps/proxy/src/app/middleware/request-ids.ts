import { randomUUID } from 'node:crypto';
import { unsafeCharacter } from '@ondemand/core';
import type { MiddlewareHandler } from 'hono';
import { ProxyError } from '../../http/proxy-error.js';
import type { ProxyEnv } from '../context.js';

/**
 * Gives each request the proxy's own id (`request-id`) and echoes the caller's `client-request-id`
 * (or the request's id when there is none), as Graph does. The caller's id is echoed and audited, so
 * it must be text a store keeps as it is (and no header injection): printable, at most 200 characters.
 */
export function requestIds(): MiddlewareHandler<ProxyEnv> {
  return async (c, next) => {
    const requestId = randomUUID();
    c.set('requestId', requestId);
    c.header('request-id', requestId);
    const clientRequestId = c.req.header('client-request-id');
    if (clientRequestId !== undefined && (unsafeCharacter(clientRequestId) || clientRequestId.length > 200))
      throw new ProxyError(
        400,
        'BadRequest',
        'The client-request-id header must be printable text of at most 200 characters, such as a GUID.',
      );
    c.header('client-request-id', clientRequestId ?? requestId);
    await next();
  };
}
