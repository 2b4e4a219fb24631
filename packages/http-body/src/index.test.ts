import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBodyText } from './index.js';

const app = new Hono();
app.post('/', async (c) => {
  const body = await readBodyText(c, 10);
  return body.ok ? c.text(`read ${body.text}`) : c.text('too large', 413, { Connection: 'close' });
});
let server: ReturnType<typeof serve>;
let url: string;
beforeAll(async () => {
  server = await new Promise((resolve) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started));
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** A stream of `chunks` sent without a Content-Length (chunked). */
const chunked = (...chunks: string[]) =>
  new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
      controller.close();
    },
  });

describe('readBodyText', () => {
  it('reads a body up to the limit, on a real socket and in-process', async () => {
    expect(await (await fetch(url, { method: 'POST', body: '0123456789' })).text()).toBe('read 0123456789');
    expect(await (await app.request('/', { method: 'POST', body: 'short' })).text()).toBe('read short');
  });

  it('refuses a body past the limit, whether it says its length or not', async () => {
    expect((await fetch(url, { method: 'POST', body: '01234567890' })).status).toBe(413);
    const streamed = await fetch(url, {
      method: 'POST',
      body: chunked('012345', '6789AB'),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect((await app.request('/', { method: 'POST', body: 'x'.repeat(11) })).status).toBe(413);
  });
});
