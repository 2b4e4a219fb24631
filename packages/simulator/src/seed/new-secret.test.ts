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

  it('the simulator hands out no secret that begins with "-" in 200 starts', async () => {
    const leadingDash: string[] = [];
    for (let start = 0; start < 200; start++) {
      const sim = await startSimulator({ http: true });
      const ready = sim.readyInfo();
      leadingDash.push(
        ...[ready.clientSecret, ready.controlToken].filter((secret) => secret.startsWith('-')),
      );
      await sim.stop();
    }
    expect(leadingDash).toEqual([]);
  });
});
