import { createHash } from 'node:crypto';

/** How much of a refused request's path the chain keeps; the rest is kept as its hash. */
const RECORDED_PATH_CHARACTERS = 512;

/**
 * A refused request's path as the audit log keeps it: whole when short; otherwise its first
 * characters and the SHA-256 of all of it. Anyone, without a key, can send paths of kilobytes, and the
 * chain cannot be pruned: each refusal must not cost the log more than a bounded entry.
 */
export function recordedPath(path: string): { path: string; pathSha256?: string; pathLength?: number } {
  if (path.length <= RECORDED_PATH_CHARACTERS) return { path };
  return {
    path: `${path.slice(0, RECORDED_PATH_CHARACTERS)}…`,
    pathSha256: createHash('sha256').update(path).digest('hex'),
    pathLength: path.length,
  };
}
