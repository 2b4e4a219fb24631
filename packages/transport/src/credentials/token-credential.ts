/** An access token and when it stops working (ms since the epoch), as `@azure/identity` returns it. */
export interface AccessToken {
  token: string;
  expiresOnTimestamp: number;
}

/**
 * Anything that hands out tokens: the shape of `@azure/identity`'s `TokenCredential`, so
 * `DefaultAzureCredential`, managed identity and the Azure CLI credential plug in unchanged.
 */
export interface TokenCredential {
  getToken(scopes: string | string[], options?: { abortSignal?: AbortSignal }): Promise<AccessToken | null>;
}

/**
 * A token is used for the first 90% of its life (54 minutes of Entra's usual hour), so it never
 * expires between getting it and Graph reading it, whatever its lifetime.
 */
const USABLE_SHARE = 0.9;

/**
 * Caches tokens per scope until shortly before they expire; concurrent callers share one refresh.
 * Wraps any {@link TokenCredential}.
 */
export class CachingCredential implements TokenCredential {
  readonly #inner: TokenCredential;
  readonly #now: () => number;
  readonly #tokens = new Map<string, { token: AccessToken; refreshAt: number }>();
  readonly #pending = new Map<string, Promise<AccessToken | null>>();

  constructor(inner: TokenCredential, now: () => number = Date.now) {
    this.#inner = inner;
    this.#now = now;
  }

  getToken(scopes: string | string[], options?: { abortSignal?: AbortSignal }): Promise<AccessToken | null> {
    const key = [scopes].flat().sort().join(' ');
    const cached = this.#tokens.get(key);
    if (cached && this.#now() < cached.refreshAt) return Promise.resolve(cached.token);
    let pending = this.#pending.get(key);
    if (!pending) {
      const obtainedAt = this.#now();
      pending = this.#inner
        .getToken(scopes, options)
        .then((token) => {
          if (token)
            this.#tokens.set(key, {
              token,
              refreshAt: obtainedAt + (token.expiresOnTimestamp - obtainedAt) * USABLE_SHARE,
            });
          return token;
        })
        .finally(() => this.#pending.delete(key));
      this.#pending.set(key, pending);
    }
    return pending;
  }

  /** Forgets a token Graph refused (revoked, or expired early), so the next call gets a new one. */
  invalidate(scopes: string | string[]): void {
    this.#tokens.delete([scopes].flat().sort().join(' '));
  }
}
