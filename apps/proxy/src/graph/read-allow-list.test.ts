import { describe, expect, it } from 'vitest';
import { allowedRead } from './read-allow-list.js';

const sp = 'c8c95753-f628-48e1-9fab-76c2d4cf624c';

describe('allowedRead', () => {
  it.each([
    ['/servicePrincipals', '', '/servicePrincipals'],
    [
      `/servicePrincipals/${sp}/synchronization/jobs/gitHub.6855.16d1/schema`,
      '',
      `/servicePrincipals/${sp}/synchronization/jobs/gitHub.6855.16d1/schema`,
    ],
    ['/users', '?$search="displayName:adele"&$top=5', '/users'],
    ['/USERS/adele@contoso.com', '?$select=id', '/users/adele%40contoso.com'],
    [`/groups/${sp}/members`, '?$skiptoken=abc', `/groups/${sp}/members`],
  ])('passes %s%s', (path, query, expected) => {
    expect(allowedRead(path, new URLSearchParams(query))).toEqual({ ok: true, path: expected });
  });

  it.each([
    ['a secret', `/servicePrincipals/${sp}/synchronization/secrets`, ''],
    ['authentication methods', `/users/${sp}/authentication/methods`, ''],
    ['an encoded slash', `/users/a%2F..%2Fapplications`, ''],
    ['an encoded dot-dot segment', `/servicePrincipals/%2E%2E/synchronization/jobs`, ''],
    ['a $count segment', '/users/$count', ''],
    ['another collection', '/applications', ''],
    ['bad percent-encoding', '/users/%zz', ''],
    ['$expand', '/users', '?$expand=memberOf'],
  ])('refuses %s', (_, path, query) => {
    expect(allowedRead(path, new URLSearchParams(query)).ok).toBe(false);
  });
});
