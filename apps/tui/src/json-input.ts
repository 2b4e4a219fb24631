import { badInput } from './exit-codes.js';

/**
 * Turns what a user pastes into JSON: a bare body, a whole HTTP answer as the API reference prints it
 * (`HTTP/1.1 200 OK`, headers, blank line, body), or a recorded request/response pair
 * (`{ request, response: { body } }`, as in `fixtures/documented/`). `part` picks which half of a pair.
 */
export function parseJsonInput(text: string, source: string, part: 'request' | 'response'): unknown {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (trimmed === '') throw badInput(`${source} is empty: expected JSON`);
  if (/^(?:Key|Value)\s+:/m.test(trimmed) && !trimmed.startsWith('{')) {
    throw badInput(
      `${source} looks like PowerShell's Format-List output, which cuts long values at the console width.\n` +
        'Save the result as JSON instead:  New-MgServicePrincipalSynchronizationJobOnDemand … | ConvertTo-Json -Depth 10',
    );
  }
  const body = stripHttpHead(trimmed);
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    throw badInput(`${source} is not JSON: ${(error as Error).message}`, { cause: error });
  }
  return unwrapRecordedPair(value, part);
}

function stripHttpHead(text: string): string {
  if (!/^(?:HTTP\/\d(?:\.\d)?\s+\d{3}|POST\s+https?:|GET\s+https?:)/.test(text)) return text;
  const start = text.search(/^[[{]/m);
  return start === -1 ? text : text.slice(start);
}

function unwrapRecordedPair(value: unknown, part: 'request' | 'response'): unknown {
  if (typeof value !== 'object' || value === null || !('request' in value) || !('response' in value))
    return value;
  const half = (value as Record<string, { body?: unknown } | undefined>)[part];
  return half && typeof half === 'object' && 'body' in half ? half.body : value;
}
