import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { AuditLog } from '../../audit/audit-log.js';
import { ProxyError } from '../../http/proxy-error.js';
import { StoreUnavailable } from '../../store/proxy-store.js';
import type { ProxyEnv } from '../context.js';
import { errorHandler } from './error-handler.js';

/** An app whose routes throw `error`; what the handler audited and logged. */
function failingWith(error: Error, options: { auditFails?: boolean } = {}) {
  const audited: unknown[] = [];
  const logged: Array<Record<string, unknown>> = [];
  const audit = {
    entry: (action: string, who: unknown, fields: unknown) => ({ action, who, fields }),
    append: async (entries: unknown[]) => {
      if (options.auditFails) throw new Error('the log is away');
      audited.push(...entries);
    },
  } as unknown as AuditLog;
  const app = new Hono<ProxyEnv>();
  app.use('*', async (c, next) => {
    c.set('requestId', 'r-1');
    await next();
  });
  app.onError(errorHandler({ audit, log: (line) => logged.push(line) }));
  app.post('/v1.0/x', () => {
    throw error;
  });
  return { app, audited, logged };
}

describe('errorHandler', () => {
  it("answers a refusal in Graph's error shape with its headers, and audits it as rejected", async () => {
    const { app, audited } = failingWith(
      new ProxyError(409, 'Conflict', 'Busy.', { headers: { 'Retry-After': '1' } }),
    );
    const answer = await app.request('/v1.0/x', { method: 'POST' });
    expect(answer.status).toBe(409);
    expect(answer.headers.get('retry-after')).toBe('1');
    expect(((await answer.json()) as { error: unknown }).error).toMatchObject({
      code: 'Conflict',
      message: 'Busy.',
    });
    expect(audited).toEqual([
      expect.objectContaining({
        action: 'rejected',
        fields: { detail: expect.objectContaining({ method: 'POST', status: 409, code: 'Conflict' }) },
      }),
    ]);
  });

  it('does not audit a refusal twice, nor a 503', async () => {
    const once = failingWith(new ProxyError(403, 'Forbidden', 'No.', { audited: true }));
    await once.app.request('/v1.0/x', { method: 'POST' });
    expect(once.audited).toEqual([]);
    const unavailable = failingWith(new StoreUnavailable('disk full'));
    const answer = await unavailable.app.request('/v1.0/x', { method: 'POST' });
    expect(answer.status).toBe(503);
    expect(answer.headers.get('retry-after')).toBe('5');
    expect(unavailable.audited).toEqual([]);
  });

  it('answers anything else with a 500 that tells the caller nothing, and logs the cause', async () => {
    const { app, logged } = failingWith(new TypeError('secret detail'));
    const answer = await app.request('/v1.0/x', { method: 'POST' });
    expect(answer.status).toBe(500);
    expect(await answer.text()).not.toContain('secret detail');
    expect(logged).toEqual([
      expect.objectContaining({ level: 'error', message: 'secret detail', requestId: 'r-1' }),
    ]);
  });

  it('still answers a refusal when the audit log is away', async () => {
    const { app } = failingWith(new ProxyError(400, 'BadRequest', 'Bad.'), { auditFails: true });
    expect((await app.request('/v1.0/x', { method: 'POST' })).status).toBe(400);
  });
});
