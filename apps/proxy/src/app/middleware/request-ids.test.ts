import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { ProxyError } from '../../http/proxy-error.js';
import type { ProxyEnv } from '../context.js';
import { requestIds } from './request-ids.js';

function app() {
  const app = new Hono<ProxyEnv>();
  app.onError((error, c) => c.text(error.message, error instanceof ProxyError ? error.status : 500));
  app.use('*', requestIds());
  app.get('/', (c) => c.text(c.get('requestId')));
  return app;
}

describe('requestIds', () => {
  it("gives each request its own id and echoes the caller's client-request-id", async () => {
    const answer = await app().request('/', { headers: { 'client-request-id': 'abc-123' } });
    const id = answer.headers.get('request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await answer.text()).toBe(id);
    expect(answer.headers.get('client-request-id')).toBe('abc-123');
  });

  it('echoes the request id when the caller sent none', async () => {
    const answer = await app().request('/');
    expect(answer.headers.get('client-request-id')).toBe(answer.headers.get('request-id'));
  });

  it('refuses a client-request-id holding a control character or past 200 characters', async () => {
    for (const bad of ['a\u0085b', 'x'.repeat(201)]) {
      const answer = await app().request('/', { headers: { 'client-request-id': bad } });
      expect(answer.status).toBe(400);
      expect(await answer.text()).toMatch(/printable text of at most 200 characters/);
    }
  });
});
