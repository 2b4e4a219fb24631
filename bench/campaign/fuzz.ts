import fc from 'fast-check';
import { request } from 'undici';
import { loadAgent, paths } from './load.js';
import type { Replica } from './replicas.js';

/** What the fuzz run found: every answer should be < 500 and, when an error, in Graph's shape. */
export interface FuzzResult {
  cases: number;
  serverErrors: number;
  notGraphShaped: number;
  noAnswer: number;
  /** The first few offending cases, to reproduce by hand. */
  examples: string[];
}

const text = fc.string({ unit: 'grapheme-ascii', maxLength: 40 });
const segment = fc.oneof(text.map(encodeURIComponent), fc.constantFrom('..', '%00', '%2F', '$batch', "'"));

/** Paths near the real ones: the provision path with odd ids, other Graph paths, the proxy's own. */
const pathArbitrary = fc.oneof(
  fc
    .tuple(fc.constantFrom('v1.0', 'beta', 'v2', ''), segment, segment)
    .map(
      ([version, sp, job]) =>
        `/${version}/servicePrincipals/${sp}/synchronization/jobs/${job}/provisionOnDemand`,
    ),
  fc.array(segment, { maxLength: 6 }).map((parts) => `/${parts.join('/')}`),
  fc
    .tuple(fc.constantFrom('/approvals/', '/audit?', '/audit/export?', '/v1.0/users?$filter='), text)
    .map(([prefix, rest]) => `${prefix}${encodeURIComponent(rest)}`),
  fc.constant(paths.provision),
);

/** Bodies: any JSON, JSON shaped like the request with wrong types, broken JSON, big or binary. */
const bodyArbitrary = fc.oneof(
  fc.json(),
  fc
    .record({
      parameters: fc.oneof(
        fc.anything(),
        fc.array(
          fc.record({
            ruleId: fc.anything(),
            subjects: fc.oneof(
              fc.anything(),
              fc.array(
                fc.record({ objectId: fc.anything(), objectTypeName: fc.anything(), links: fc.anything() }),
              ),
            ),
          }),
          { maxLength: 3 },
        ),
      ),
    })
    .map((value) => JSON.stringify(value)),
  text.map((value) => `{"parameters": [${value}`),
  fc.constant('x'.repeat(70 * 1024)),
  fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
);

const caseArbitrary = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'),
  path: pathArbitrary,
  contentType: fc.oneof(
    fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', ''),
    text,
  ),
  key: fc.constantFrom('requester', 'approver', 'auditor', 'wrong', 'none'),
  body: bodyArbitrary,
});

/** Sends `cases` generated requests to one replica (seeded, so a run can be repeated). */
export async function fuzzReplica(
  replica: Replica,
  keys: Record<string, string>,
  cases: number,
  seed = 20261128,
): Promise<FuzzResult> {
  const result: FuzzResult = { cases, serverErrors: 0, notGraphShaped: 0, noAnswer: 0, examples: [] };
  const samples = fc.sample(caseArbitrary, { numRuns: cases, seed });
  for (const each of samples) {
    const authorization =
      each.key === 'none' ? undefined : `Bearer ${each.key === 'wrong' ? 'odp_wrong' : keys[each.key]}`;
    const hasBody = each.method !== 'GET';
    try {
      const answer = await request(`${replica.url}${each.path}`, {
        method: each.method as 'GET',
        headers: {
          ...(authorization ? { authorization } : {}),
          ...(hasBody && each.contentType ? { 'content-type': each.contentType } : {}),
        },
        ...(hasBody ? { body: each.body } : {}),
        dispatcher: loadAgent,
      });
      const status = answer.statusCode;
      const json = (await answer.body.json().catch(() => undefined)) as
        | { error?: { code?: unknown; message?: unknown } }
        | undefined;
      const shaped = typeof json?.error?.code === 'string' && typeof json.error.message === 'string';
      if (status >= 500) result.serverErrors += 1;
      if (status >= 400 && !shaped) result.notGraphShaped += 1;
      if ((status >= 500 || (status >= 400 && !shaped)) && result.examples.length < 5)
        result.examples.push(`${status} ${each.method} ${each.path}`);
    } catch (error) {
      result.noAnswer += 1;
      if (result.examples.length < 5)
        result.examples.push(`no answer (${(error as Error).message}) ${each.method} ${each.path}`);
    }
  }
  return result;
}
