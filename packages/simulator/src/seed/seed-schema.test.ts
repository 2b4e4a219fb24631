import { describe, expect, it } from 'vitest';
import { defaultSeed } from './default-seed.js';
import { demoSeed, parseSeed, SeedError } from './load-seed.js';

describe('seed validation', () => {
  it('accepts the demo tenant: 50 users and more, a group too big for on demand, four jobs', () => {
    const seed = parseSeed(defaultSeed());
    expect(seed.users.length).toBeGreaterThanOrEqual(50);
    expect(seed.groups.some((group) => group.members.length > 5)).toBe(true);
    expect(seed.servicePrincipals.flatMap((sp) => sp.jobs)).toHaveLength(4);
    expect(
      seed.servicePrincipals.flatMap((sp) => sp.jobs.flatMap((job) => job.rules.map((rule) => rule.id))),
    ).toContain('33f7c90d-bf71-41b1-bda6-aaf0ddbee5d8#V2');
  });

  it('makes a fresh client secret each time unless given one', () => {
    expect(parseSeed(defaultSeed()).clients[0]!.secret).not.toBe(parseSeed(defaultSeed()).clients[0]!.secret);
    expect(parseSeed(defaultSeed({ clientSecret: 'fixed' })).clients[0]!.secret).toBe('fixed');
  });

  it('hands each caller a seed of its own: changing one leaves the next as it was', () => {
    const changed = defaultSeed();
    for (const mapping of changed.servicePrincipals[0]!.jobs![0]!.rules[0]!.objectMappings[0]!
      .attributeMappings)
      mapping.matching = false;
    expect(() => demoSeed()).not.toThrow();
  });

  it('names every broken reference and rule by path', () => {
    const seed = defaultSeed();
    seed.groups![0]!.members!.push('no-such-user');
    seed.servicePrincipals[0]!.jobs![0]!.rules[0]!.objectMappings[0]!.attributeMappings.forEach((mapping) => {
      mapping.matching = false;
    });
    expect(() => parseSeed(seed, 'seed.json')).toThrow(SeedError);
    try {
      parseSeed(seed, 'seed.json');
    } catch (error) {
      expect((error as Error).message).toContain('groups[0].members[3]: no user has id "no-such-user"');
      expect((error as Error).message).toContain(
        'servicePrincipals[0].jobs[0].rules[0].objectMappings[0].attributeMappings: exactly one attribute mapping',
      );
    }
  });
});
