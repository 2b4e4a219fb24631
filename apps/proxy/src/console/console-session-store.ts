/**
 * What the console keeps on the server for a browser: a signed-in session, or a sign-in under way
 * (its PKCE verifier, state and nonce, until the identity provider sends the browser back). Kept by
 * the hash of the cookie's token, so the store never holds a cookie that works.
 */
export type ConsoleRecord =
  | {
      kind: 'session';
      principal: string;
      name: string | null;
      roles: string[];
      /** The token every form that changes something carries back (compared in constant time). */
      csrf: string;
      createdAt: string;
    }
  | { kind: 'sign-in'; state: string; nonce: string; verifier: string; returnTo: string };

/** Where the console's sessions live: the proxy's store, so every replica knows them. */
export interface ConsoleSessionStore {
  putConsoleRecord(idHash: string, record: ConsoleRecord, expiresAt: string): Promise<void>;
  /** The record, if there is one and it has not expired at `now`. */
  getConsoleRecord(idHash: string, now: string): Promise<ConsoleRecord | undefined>;
  deleteConsoleRecord(idHash: string): Promise<void>;
  /** Forgets records that expired before `now` (the sweep calls it). */
  deleteExpiredConsoleRecords(now: string): Promise<void>;
}
