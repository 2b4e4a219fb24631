import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';

/** A body read whole, or one past the limit (the rest of it is never read). */
export type BodyText = { ok: true; text: string } | { ok: false; tooLarge: true };

/**
 * Reads a request's body as text, refusing more than `maxBytes`: one that says it is larger at once,
 * one that does not (chunked) as soon as the count of what arrived passes it. On Node it reads the
 * socket's message directly: building a web `Request` and its stream for every call cost more than
 * the simulator's whole provisioning engine (see bench/simulator.bench.ts). Elsewhere (`app.request()`
 * in tests) it reads the web request.
 */
export async function readBodyText(c: Context, maxBytes: number): Promise<BodyText> {
  const announced = Number(c.req.header('content-length') ?? Number.NaN);
  if (announced > maxBytes) return { ok: false, tooLarge: true };
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (!incoming) {
    const text = await c.req.text();
    return Buffer.byteLength(text) > maxBytes ? { ok: false, tooLarge: true } : { ok: true, text };
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of incoming) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) return { ok: false, tooLarge: true };
    chunks.push(chunk as Buffer);
  }
  return { ok: true, text: Buffer.concat(chunks).toString('utf8') };
}
