import { describe, expect, it } from 'vitest';
import { startSimulator } from '../server.js';
import { newSecret } from './new-secret.js';

describe('newSecret', () => {
  it('never begins with "-", and is 32 base64url characters', () => {
    // With plain base64url one draw in 64 begins with "-": 10 000 draws would show ~156 of them.
    for (let draw = 0; draw < 10_000; draw++) {
      const secret = newSecret();
      expect(secret).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{31}$/);
    }
  });

  // Each start makes its token-signing RSA key (~0.15 s): tagged slow, run by `pnpm test`.
  it('the simulator hands out no secret that begins with "-" in 200 starts', {
    tags: ['slow'],
    timeout: 180_000,
  }, async () => {
    const leadingDash: string[] = [];
    // Ten at a time: the key pairs are made on libuv's threads.
    for (let batch = 0; batch < 20; batch++) {
      const sims = await Promise.all(Array.from({ length: 10 }, () => startSimulator({ http: true })));
      for (const sim of sims) {
        const ready = sim.readyInfo();
        leadingDash.push(
          ...[ready.clientSecret, ready.controlToken].filter((secret) => secret.startsWith('-')),
        );
      }
      await Promise.all(sims.map((sim) => sim.stop()));
    }
    expect(leadingDash).toEqual([]);
  });
});
