import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FailoverLimiterStore } from './failover-limiter-store.js';
import { type AcquireAttempt, MemoryLimiterStore } from './limiter-store.js';

/** A shared store that is reachable or not, as the test says (a Redis that goes away and returns). */
class ReachableStore extends MemoryLimiterStore {
  up = true;
  override tryAcquire(key: string, limit: number, windowMs: number, now: number): AcquireAttempt {
    if (!this.up) throw new Error('connection refused');
    return super.tryAcquire(key, limit, windowMs, now);
  }
}

describe('FailoverLimiterStore', () => {
  it('paces at the fallback limit while the shared store is down, and at the real one when it is up (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        // Each step: whether the shared store answers, and how far time moves.
        fc.array(fc.record({ up: fc.boolean(), advance: fc.nat({ max: 400 }) }), {
          minLength: 1,
          maxLength: 80,
        }),
        fc.integer({ min: 1, max: 3 }),
        async (steps, fallbackLimit) => {
          const shared = new ReachableStore();
          const switches: string[] = [];
          const store = new FailoverLimiterStore(shared, {
            fallback: new MemoryLimiterStore(),
            fallbackLimit,
            onSwitch: (using) => switches.push(using),
          });
          const windowMs = 1_000;
          let now = 0;
          const grants: Array<{ at: number; up: boolean }> = [];
          for (const step of steps) {
            now += step.advance;
            shared.up = step.up;
            const attempt = await store.tryAcquire('app', 5, windowMs, now);
            if (attempt.granted) grants.push({ at: now, up: step.up });
            expect(store.using).toBe(step.up ? 'shared' : 'fallback');
          }
          // Grants made while down never exceed the fallback limit in any window.
          const down = grants.filter((grant) => !grant.up).map((grant) => grant.at);
          for (const [index, at] of down.entries())
            expect(index < fallbackLimit || at - down[index - fallbackLimit]! >= windowMs).toBe(true);
          // Switches alternate, each one a real change.
          for (const [index, using] of switches.entries())
            expect(using).toBe(index % 2 === 0 ? 'fallback' : 'shared');
        },
      ),
    );
  });
});
