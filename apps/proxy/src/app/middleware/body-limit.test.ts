import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { ProxyError } from '../../http/proxy-error.js';
import type { ProxyEnv } from '../context.js';
import { bodyLimit } from './body-limit.js';

describe('bodyLimit', () => {
  it('refuses a declared length past the limit with 413 and closes the connection, before any handler', async () => {
    let reached = false;
    const app = new Hono<ProxyEnv>();
    app.onError((error, c) =>
      error instanceof ProxyError
        ? c.text(error.message, error.status, error.extra.headers)
        : c.text('unexpected', 500),
    );
    app.use('*', bodyLimit(10));
    app.post('/', (c) => {
      reached = true;
      return c.text('ok');
    });
    const refused = await app.request('/', {
      method: 'POST',
      body: 'x'.repeat(11),
      headers: { 'content-length': '11' },
    });
    expect(refused.status).toBe(413);
    expect(refused.headers.get('connection')).toBe('close');
    expect(await refused.text()).toBe('The request body is larger than 10 bytes.');
    expect(reached).toBe(false);
    const taken = await app.request('/', {
      method: 'POST',
      body: 'x'.repeat(10),
      headers: { 'content-length': '10' },
    });
    expect(taken.status).toBe(200);
  });
});
