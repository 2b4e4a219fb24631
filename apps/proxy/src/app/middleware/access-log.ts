import type { MiddlewareHandler } from 'hono';
import type { Metrics } from '../../metrics.js';
import type { ProxyEnv } from '../context.js';

/** One JSON log line per request (who, what, how it was answered, how long it took) and its metrics. */
export function accessLog(
  metrics: Pick<Metrics, 'requests' | 'requestSeconds'>,
  log: (line: Record<string, unknown>) => void,
): MiddlewareHandler<ProxyEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const status = String(c.res.status);
    metrics.requests.inc({ status });
    metrics.requestSeconds.observe({ status }, (performance.now() - started) / 1000);
    log({
      at: new Date().toISOString(),
      requestId: c.get('requestId'),
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round(performance.now() - started),
      principal: c.get('principal')?.principal,
    });
  };
}
