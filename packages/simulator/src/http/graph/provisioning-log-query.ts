import { ODataQueryError } from '../odata.js';

type Entry = Record<string, unknown>;
type Predicate = (entry: Entry) => boolean;

/**
 * The properties `GET /auditLogs/provisioning` filters on and how, as the provisioningObjectSummary
 * page documents them: `eq` and `contains` on ids and names, `eq`, `gt` and `lt` on
 * `activityDateTime`. Comparisons are case-sensitive but for the status (the issue of record and the
 * page agree on nothing else; Graph's real behaviour for the rest is not documented).
 */
const TEXT_PATHS = [
  'id',
  'jobId',
  'cycleId',
  'changeId',
  'provisioningAction',
  'action',
  'initiatedBy/id',
  'initiatedBy/displayName',
  'servicePrincipal/id',
  'servicePrincipal/displayName',
  'sourceIdentity/id',
  'sourceIdentity/displayName',
  'sourceIdentity/identityType',
  'targetIdentity/id',
  'targetIdentity/displayName',
  'targetIdentity/identityType',
  'sourceSystem/displayName',
  'targetSystem/displayName',
  'provisioningStatusInfo/status',
  'statusInfo/status',
] as const;
const CASE_INSENSITIVE = new Set(['provisioningStatusInfo/status', 'statusInfo/status']);
const TIME_PATH = 'activityDateTime';

const TEXT_CLAUSE = /^([A-Za-z/]+)\s+eq\s+'((?:[^']|'')*)'$/;
const CONTAINS_CLAUSE = /^contains\(\s*([A-Za-z/]+)\s*,\s*'((?:[^']|'')*)'\s*\)$/i;
const TIME_CLAUSE =
  /^activityDateTime\s+(eq|gt|lt|ge|le)\s+(\d{4}-\d{2}-\d{2}(?:T[\d:.]+(?:Z|[+-]\d{2}:\d{2})?)?)$/;

function valueAt(entry: Entry, path: string): unknown {
  return path.split('/').reduce<unknown>((value, name) => (value as Entry | null | undefined)?.[name], entry);
}

function unsupported(what: string): never {
  throw new ODataQueryError(
    'Request_UnsupportedQuery',
    `Unsupported or invalid query filter clause specified for property '${what}' of resource 'provisioningObjectSummary'.`,
  );
}

/** Compiles a provisioning-log `$filter`: clauses joined by `and` (Graph documents no `or` here). */
export function compileLogFilter(expression: string): Predicate {
  const clauses = splitAnd(expression).map((clause) =>
    compileClause(
      clause
        .trim()
        .replace(/^\((.*)\)$/, '$1')
        .trim(),
    ),
  );
  return (entry) => clauses.every((clause) => clause(entry));
}

function compileClause(clause: string): Predicate {
  let match = TIME_CLAUSE.exec(clause);
  if (match) {
    const bound = Date.parse(match[2]!);
    if (Number.isNaN(bound)) unsupported(TIME_PATH);
    const operator = match[1]!;
    return (entry) => {
      const at = Date.parse(String(entry[TIME_PATH] ?? ''));
      return operator === 'eq'
        ? at === bound
        : operator === 'gt'
          ? at > bound
          : operator === 'lt'
            ? at < bound
            : operator === 'ge'
              ? at >= bound
              : at <= bound;
    };
  }
  match = TEXT_CLAUSE.exec(clause) ?? CONTAINS_CLAUSE.exec(clause);
  if (match) {
    const path = match[1]!;
    if (!(TEXT_PATHS as readonly string[]).includes(path)) unsupported(path);
    const contains = !clause.includes(' eq ');
    const fold = CASE_INSENSITIVE.has(path) ? (text: string) => text.toLowerCase() : (text: string) => text;
    const wanted = fold(match[2]!.replaceAll("''", "'"));
    return (entry) => {
      const value = valueAt(entry, path);
      if (typeof value !== 'string') return false;
      return contains ? fold(value).includes(wanted) : fold(value) === wanted;
    };
  }
  if (/\sor\s/i.test(clause)) unsupported('or');
  throw new ODataQueryError(
    'BadRequest',
    `Invalid filter clause: the query specified in the URI is not valid ('${clause}').`,
  );
}

function splitAnd(text: string): string[] {
  const parts: string[] = [];
  let quoted = false;
  let start = 0;
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (char === "'") quoted = !quoted;
    else if (!quoted && text.slice(index, index + 5).toLowerCase() === ' and ') {
      parts.push(text.slice(start, index));
      start = index + 5;
      index += 4;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** `$orderby`: Graph documents ordering by `activityDateTime` only. Newest first unless `asc`. */
export function logOrder(orderBy: string | undefined): 'desc' | 'asc' {
  if (orderBy === undefined) return 'desc';
  const match = /^activityDateTime(?:\s+(asc|desc))?$/i.exec(orderBy.trim());
  if (!match) unsupported(orderBy.trim().split(/\s+/)[0] ?? orderBy);
  return match[1]?.toLowerCase() === 'asc' ? 'asc' : 'desc';
}
