import { groupRequest, userRequest } from '@ondemand/core';
import { documentedIds as ids } from '@ondemand/simulator';
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
  /** Cases built to be refused (odd id spellings, lone surrogates, mislabelled subjects)… */
  targeted: number;
  /** …that were not answered 400. */
  notRefused: number;
  /** Malformed requests that got as far as a forward entry (filled in from the audit log). */
  forwarded: number;
  /** The proxy's request ids of every case, to find them in the audit log. */
  requestIds: string[];
  /** The first few offending cases, to reproduce by hand. */
  examples: string[];
}

/**
 * Requests that look allowed but must be refused with a 400 before the policy runs: the service
 * principal spelled another way, ids holding a lone surrogate or NUL, a group sent as a user.
 */
const oddSpellings = [
  `{${ids.saasServicePrincipal}}`,
  ids.saasServicePrincipal.replaceAll('-', ''),
  `%20${ids.saasServicePrincipal.toUpperCase()}`,
  `${ids.saasServicePrincipal}%00`,
];
const targetedArbitrary = fc.oneof(
  fc.constantFrom(...oddSpellings).map((sp) => ({
    path: paths.provision.replace(ids.saasServicePrincipal, sp),
    body: JSON.stringify(userRequest({ ruleId: ids.saasRule, userId: ids.saasUser })),
  })),
  fc
    .tuple(fc.string({ maxLength: 8 }), fc.constantFrom('\ud800', '\udfff', '\u0000', '\ud83d'))
    .map(([prefix, unsafe]) => ({
      path: paths.provision,
      body: `{"parameters":[{"ruleId":"${ids.saasRule}","subjects":[{"objectId":${JSON.stringify(prefix).slice(0, -1)}${unsafe}","objectTypeName":"User"}]}]}`,
    })),
  fc.constantFrom(
    { path: paths.provision, body: JSON.stringify(userRequest({ ruleId: ids.saasRule, userId: ids.group })) },
    {
      path: paths.group,
      body: JSON.stringify(groupRequest({ ruleId: ids.groupRule, groupId: ids.saasUser, memberIds: [] })),
    },
  ),
);

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

const caseArbitrary = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'),
      path: pathArbitrary,
      contentType: fc.oneof(
        fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', ''),
        text,
      ),
      key: fc.constantFrom('requester', 'approver', 'auditor', 'wrong', 'none'),
      body: bodyArbitrary,
      targeted: fc.constant(false),
    }),
  },
  {
    weight: 1,
    arbitrary: targetedArbitrary.map((each) => ({
      ...each,
      method: 'POST',
      contentType: 'application/json',
      key: 'requester',
      targeted: true,
    })),
  },
);

/** Sends `cases` generated requests to one replica (seeded, so a run can be repeated). */
export async function fuzzReplica(
  replica: Replica,
  keys: Record<string, string>,
  cases: number,
  seed = 20261128,
): Promise<FuzzResult> {
  const result: FuzzResult = {
    cases,
    serverErrors: 0,
    notGraphShaped: 0,
    noAnswer: 0,
    targeted: 0,
    notRefused: 0,
    forwarded: 0,
    requestIds: [],
    examples: [],
  };
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
      const requestId = answer.headers['request-id'];
      if (typeof requestId === 'string') result.requestIds.push(requestId);
      if (each.targeted) {
        result.targeted += 1;
        if (status !== 400) {
          result.notRefused += 1;
          if (result.examples.length < 5)
            result.examples.push(`${status} (not 400) POST ${each.path} ${each.body}`);
        }
      }
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
