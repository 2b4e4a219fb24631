import { createHash, timingSafeEqual } from 'node:crypto';
import type { ProxyConfig } from '../config/config.js';
import type { Role } from './roles.js';

export interface Principal {
  principal: string;
  roles: Role[];
}

/** The hex SHA-256 of an API key: what the config and the logs may hold instead of the key. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/**
 * Finds the principal of a bearer API key, comparing hashes in constant time against every
 * configured key so timing says nothing about which one nearly matched.
 */
export function principalForApiKey(
  keys: ProxyConfig['apiKeys'],
  presented: string | undefined,
): Principal | undefined {
  if (!presented) return undefined;
  const hash = Buffer.from(hashApiKey(presented), 'hex');
  let found: Principal | undefined;
  for (const key of keys) {
    if (timingSafeEqual(hash, Buffer.from(key.sha256, 'hex')) && !found)
      found = { principal: key.principal, roles: key.roles };
  }
  return found;
}
