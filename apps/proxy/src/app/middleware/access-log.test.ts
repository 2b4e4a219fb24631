import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { Metrics } from '../../metrics.js';
import type { ProxyEnv } from '../context.js';
import { accessLog } from './access-log.js';

describe('accessLog', () => {
  it('writes one line per request, the error answers too, and counts them by status', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const metrics = new Metrics();
    const app = new Hono<ProxyEnv>();
    app.onError((_, c) => c.text('no', 500));
    app.use('*', async (c, next) => {
      c.set('requestId', 'r-1');
      await next();
    });
    app.use(
      '*',
      accessLog(metrics, (line) => lines.push(line)),
    );
    app.get('/fine', (c) => c.text('ok'));
    app.get('/broken', () => {
      throw new Error('boom');
    });
    await app.request('/fine');
    await app.request('/broken');
    expect(lines.map(({ path, status, requestId }) => ({ path, status, requestId }))).toEqual([
      { path: '/fine', status: 200, requestId: 'r-1' },
      { path: '/broken', status: 500, requestId: 'r-1' },
    ]);
    expect(lines[0]!.ms).toEqual(expect.any(Number));
    const text = await metrics.render();
    expect(text).toMatch(/ondemand_proxy_requests_total\{status="200"\} 1/);
    expect(text).toMatch(/ondemand_proxy_requests_total\{status="500"\} 1/);
  });
});
