import { describe, expect, it } from 'vitest';
import { type AccessToken, CachingCredential, type TokenCredential } from './token-credential.js';

function countingCredential(lifetimeMs: number, now: () => number) {
  let calls = 0;
  const credential: TokenCredential = {
    async getToken(): Promise<AccessToken> {
      calls += 1;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return { token: `token-${calls}`, expiresOnTimestamp: now() + lifetimeMs };
    },
  };
  return { credential, calls: () => calls };
}

describe('CachingCredential', () => {
  it('shares one refresh among concurrent callers and caches until 90% of the lifetime', async () => {
    let time = 0;
    const now = () => time;
    const inner = countingCredential(3_600_000, now);
    const cache = new CachingCredential(inner.credential, now);
    const tokens = await Promise.all(Array.from({ length: 10 }, () => cache.getToken('scope/.default')));
    expect(new Set(tokens.map((token) => token?.token))).toEqual(new Set(['token-1']));
    time = 3_200_000;
    expect((await cache.getToken('scope/.default'))?.token).toBe('token-1');
    time = 3_300_000;
    expect((await cache.getToken('scope/.default'))?.token).toBe('token-2');
    expect(inner.calls()).toBe(2);
  });

  it('keeps scopes apart and forgets an invalidated token', async () => {
    const inner = countingCredential(3_600_000, Date.now);
    const cache = new CachingCredential(inner.credential);
    await cache.getToken('a/.default');
    await cache.getToken('b/.default');
    expect(inner.calls()).toBe(2);
    cache.invalidate('a/.default');
    expect((await cache.getToken('a/.default'))?.token).toBe('token-3');
  });
});
