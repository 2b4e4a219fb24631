/**
 * The parts of OData query options that the Graph calls of this product use: `$filter` (eq,
 * startswith, and/or), `$search` (`"property:text"`, OR), `$select`, `$top`, `$count` and paging with
 * `$skiptoken`. Anything else is refused the way Graph refuses it, so clients learn it here.
 */

export class ODataQueryError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type Item = Record<string, unknown>;
type Predicate = (item: Item) => boolean;

const comparison = /^([A-Za-z][\w/]*)\s+eq\s+'((?:[^']|'')*)'$/;
const startsWith = /^startswith\(\s*([A-Za-z][\w/]*)\s*,\s*'((?:[^']|'')*)'\s*\)$/i;
const booleanComparison = /^([A-Za-z]\w*)\s+eq\s+(true|false)$/;

/** Compiles a `$filter` expression; the properties it may name are `filterable`. */
export function compileFilter(expression: string, filterable: readonly string[]): Predicate {
  const orParts = splitOutsideQuotes(expression, ' or ');
  const alternatives = orParts.map((part) =>
    splitOutsideQuotes(part, ' and ').map((clause) => compileClause(clause.trim(), filterable)),
  );
  return (item) => alternatives.some((all) => all.every((clause) => clause(item)));
}

function compileClause(clause: string, filterable: readonly string[]): Predicate {
  const stripped = clause.replace(/^\((.*)\)$/, '$1').trim();
  const check = (property: string) => {
    if (!filterable.includes(property)) {
      throw new ODataQueryError(
        'Request_UnsupportedQuery',
        `Unsupported or invalid query filter clause specified for property '${property}' of resource.`,
      );
    }
    return property;
  };
  let match = comparison.exec(stripped);
  if (match) {
    const property = check(match[1]!);
    const value = match[2]!.replaceAll("''", "'").toLowerCase();
    return (item) => String(item[property] ?? '').toLowerCase() === value;
  }
  match = startsWith.exec(stripped);
  if (match) {
    const property = check(match[1]!);
    const value = match[2]!.replaceAll("''", "'").toLowerCase();
    return (item) =>
      String(item[property] ?? '')
        .toLowerCase()
        .startsWith(value);
  }
  match = booleanComparison.exec(stripped);
  if (match) {
    const property = check(match[1]!);
    const value = match[2] === 'true';
    return (item) => item[property] === value;
  }
  throw new ODataQueryError(
    'BadRequest',
    `Invalid filter clause: the query specified in the URI is not valid ('${clause}').`,
  );
}

/** Compiles a `$search` expression (`"displayName:ali" OR "mail:ali"`); words of a property must start with the text. */
export function compileSearch(expression: string, searchable: readonly string[]): Predicate {
  const terms = splitOutsideQuotes(expression, ' OR ').map((term) => {
    const match = /^"([^":]+):([^"]*)"$/.exec(term.trim()) ?? /^"([^"]*)"$/.exec(term.trim());
    if (!match)
      throw new ODataQueryError(
        'BadRequest',
        `Syntax error: invalid $search term ${term.trim()}: use "property:text".`,
      );
    const [property, text] = match.length === 3 ? [match[1]!, match[2]!] : [undefined, match[1]!];
    if (property !== undefined && !searchable.includes(property)) {
      throw new ODataQueryError(
        'Request_UnsupportedQuery',
        `Property '${property}' does not support $search.`,
      );
    }
    // Graph's tokenized search on directory objects: each word of the text must start a word of the
    // property ("diego wilber" finds Diego Wilber; "wil" finds him too).
    const needles = text.toLowerCase().split(/\s+/).filter(Boolean);
    const properties = property ? [property] : searchable;
    return (item: Item) =>
      properties.some((name) => {
        const words = String(item[name] ?? '')
          .toLowerCase()
          .split(/[\s@._-]+/);
        return needles.every((needle) => words.some((word) => word.startsWith(needle)));
      });
  });
  return (item) => terms.some((term) => term(item));
}

/** Applies `$select`: the listed properties (and `id`, which Graph always returns). */
export function selectProperties(item: Item, select: string | undefined): Item {
  if (!select) return item;
  const names = select
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  return Object.fromEntries(
    Object.entries(item).filter(
      ([name]) => name === 'id' || name.startsWith('@odata') || names.includes(name),
    ),
  );
}

export interface Page {
  items: Item[];
  nextSkip: number | undefined;
}

/** Cuts one page from `items`: `$top` (1 to 999) from the `$skiptoken` offset. */
export function page(
  items: Item[],
  top: string | undefined,
  skipToken: string | undefined,
  defaultSize = 100,
): Page {
  const size = top === undefined ? defaultSize : Number(top);
  if (!Number.isInteger(size) || size < 1 || size > 999) {
    throw new ODataQueryError(
      'Request_BadRequest',
      `Invalid page size specified: '${top}'. Must be between 1 and 999 inclusive.`,
    );
  }
  const offset =
    skipToken === undefined ? 0 : Number.parseInt(Buffer.from(skipToken, 'base64url').toString('utf8'), 10);
  if (!Number.isInteger(offset) || offset < 0)
    throw new ODataQueryError('Request_BadRequest', 'The $skiptoken is not valid: start again without it.');
  const slice = items.slice(offset, offset + size);
  return { items: slice, nextSkip: offset + size < items.length ? offset + size : undefined };
}

export function skipToken(offset: number): string {
  return Buffer.from(String(offset)).toString('base64url');
}

function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let quote: string | undefined;
  let start = 0;
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (quote) {
      if (char === quote) quote = undefined;
    } else if (char === "'" || char === '"') {
      quote = char;
    } else if (text.slice(index, index + separator.length).toLowerCase() === separator.toLowerCase()) {
      parts.push(text.slice(start, index));
      start = index + separator.length;
      index += separator.length - 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}
