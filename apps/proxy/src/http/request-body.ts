import { readBodyText as readLimitedBody } from '@ondemand/http-body';
import type { ProxyRequest } from '../app/context.js';
import { ProxyError } from './proxy-error.js';

/** What one approval review may carry: a reason, not a document. */
export const REVIEW_BODY_BYTES = 16 * 1024;

/**
 * The request's body as text, read up to `maxBytes` (chunked bodies too: the count is of what
 * arrives, not of what Content-Length claims); past it, a 413 and the connection closed, so the rest
 * is never read.
 */
export async function readBodyText(c: ProxyRequest, maxBytes: number): Promise<string> {
  const body = await readLimitedBody(c, maxBytes);
  if (body.ok) return body.text;
  throw new ProxyError(413, 'RequestEntityTooLarge', `The request body is larger than ${maxBytes} bytes.`, {
    headers: { Connection: 'close' },
  });
}

/** How deep a body's JSON may nest: far past any request's own shape, far short of the stack's. */
export const MAX_JSON_DEPTH = 400;

/** The body as JSON, or a 400 that says it is not (or nests deeper than {@link MAX_JSON_DEPTH}). */
export async function readJsonBody(c: ProxyRequest, maxBytes: number, shape: string): Promise<unknown> {
  const text = await readBodyText(c, maxBytes);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ProxyError(
      400,
      'BadRequest',
      `Unable to read JSON request payload: the body must be JSON, ${shape}.`,
    );
  }
  // Checked before anything walks it recursively (validation, hashing, the audit entry), which a
  // body nested 10 000 deep would take past the stack (a 500, unaudited).
  if (depthOver(value, MAX_JSON_DEPTH))
    throw new ProxyError(
      400,
      'BadRequest',
      `The request body nests deeper than ${MAX_JSON_DEPTH} levels: send ${shape}.`,
    );
  return value;
}

/** Whether `value` nests deeper than `limit`, found without recursion. */
function depthOver(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [each, depth] = stack.pop()!;
    if (each === null || typeof each !== 'object') continue;
    if (depth > limit) return true;
    for (const child of Object.values(each)) stack.push([child, depth + 1]);
  }
  return false;
}

/** A body's content type must be JSON (415 otherwise, naming the one given). */
export function requireJsonContentType(c: ProxyRequest): void {
  const contentType = c.req.header('content-type') ?? '';
  if (!/^application\/json\b/i.test(contentType))
    throw new ProxyError(
      415,
      'UnsupportedMediaType',
      `The content type '${contentType || '(none)'}' is not supported: send the body as application/json.`,
    );
}
