import { randomBytes } from 'node:crypto';

/**
 * A fresh secret of 24 random bytes in base64url that never begins with `-`: command-line parsers
 * take `--client-secret -abc…` for a flag and refuse it (about one start in 64 did), so scripts that
 * pass the ready line's secret on would fail at random. Re-drawing keeps every secret uniform over the
 * secrets that can be passed as they are.
 */
export function newSecret(): string {
  for (;;) {
    const secret = randomBytes(24).toString('base64url');
    if (!secret.startsWith('-')) return secret;
  }
}
