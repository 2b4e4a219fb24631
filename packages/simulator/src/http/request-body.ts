import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';

/** Graph refuses bodies over 4 MB; provisionOnDemand bodies are a few hundred bytes. */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

export type BodyText = { ok: true; text: string } | { ok: false; tooLarge: true };

/**
 * Reads a request body as text, refusing more than `maxBytes` (announced or chunked).
 * On Node it reads the socket's message directly: building a web `Request` and its stream for every
 * call cost more than the whole provisioning engine (see bench/simulator.bench.ts).
 */
export async function readBodyText(c: Context, maxBytes = MAX_BODY_BYTES): Promise<BodyText> {
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
