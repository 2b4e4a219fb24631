/**
 * Reading JSON that whoever saved it may have re-cased or re-encoded: Graph writes `jobId`,
 * PowerShell's `ConvertTo-Json` `JobId`, a diagnostic-settings export `Id` and `Name`, and a Log
 * Analytics row keeps nested objects as JSON text. These read a field whatever its case, and a nested
 * object or list whether it is one or its JSON text.
 */

export type Loose = Record<string, unknown>;

/** Whether a value is a plain object. */
export function isObject(value: unknown): value is Loose {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The first of the names present in `object`, as written, in Pascal case (PowerShell, exports:
 * `JobId`) or in lower case; `undefined` if none is. Direct look-ups, not a scan of the keys, and the
 * names as parameters, not a rest array: a decoder asks each object for dozens of fields, most of them
 * present as written, and each scan or array made decoding a page of logs slower than parsing it.
 */
export function field(
  object: unknown,
  name: string,
  second?: string,
  third?: string,
  fourth?: string,
): unknown {
  if (!isObject(object)) return undefined;
  let value = spelled(object, name);
  if (value === undefined && second !== undefined) value = spelled(object, second);
  if (value === undefined && third !== undefined) value = spelled(object, third);
  if (value === undefined && fourth !== undefined) value = spelled(object, fourth);
  return value;
}

function spelled(object: Loose, name: string): unknown {
  const value = object[name];
  if (value !== undefined) return value;
  const [pascal, lower] = spellings(name);
  return object[pascal] ?? object[lower];
}

// The names asked for are the decoders' constants: their other spellings are made once each.
const otherSpellings = new Map<string, [string, string]>();
function spellings(name: string): [string, string] {
  let found = otherSpellings.get(name);
  if (!found) {
    found = [name.charAt(0).toUpperCase() + name.slice(1), name.toLowerCase()];
    if (otherSpellings.size < 1_000) otherSpellings.set(name, found);
  }
  return found;
}

/** A nested object, or its JSON text parsed; `undefined` when it is neither. */
export function objectField(
  object: unknown,
  name: string,
  second?: string,
  third?: string,
): Loose | undefined {
  const value = embedded(field(object, name, second, third));
  return isObject(value) ? value : undefined;
}

/** A nested list, or its JSON text parsed; `[]` when it is neither. */
export function listField(object: unknown, name: string, second?: string): unknown[] {
  const value = embedded(field(object, name, second));
  return Array.isArray(value) ? value : [];
}

/** Text, or `null` for what is absent, empty or not text (numbers are written as text). */
export function textField(object: unknown, name: string, second?: string, third?: string): string | null {
  const value = field(object, name, second, third);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value === 'string' && value !== '' ? value : null;
}

/** A number, or a number written as text (an export's `"1234"`); `null` otherwise. */
export function numberField(object: unknown, name: string, second?: string): number | null {
  const value = field(object, name, second);
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  return null;
}

/** JSON text that holds an object or a list, parsed; anything else as it is. */
function embedded(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return value;
  try {
    return JSON.parse(trimmed);
  } catch {
    return value;
  }
}

/**
 * Text as Graph writes it (a string, not empty), else `undefined`. The decoders read each field as
 * written first, with a static property read that V8 caches for the shape every entry of a page
 * shares, and only then the loose way (`textField(...)`); the loose read alone, by a name in a
 * variable, made decoding a page cost more than parsing it. The two agree wherever this gives a value.
 */
export function asWritten(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** An object as Graph writes it, else `undefined` (then read it the loose way, as `asWritten` says). */
export function objectAsWritten(value: unknown): Loose | undefined {
  return isObject(value) ? value : undefined;
}
