import { createSecureContext, rootCertificates } from 'node:tls';
import { Agent } from 'undici';

/**
 * One keep-alive connection pool for all of a client's calls (Graph and tokens), trusting an extra
 * CA when given (the simulator's, a private endpoint's) on top of the system's.
 */
export function createDispatcher(options: { ca?: string | string[] | undefined } = {}): Agent {
  return new Agent({
    keepAliveTimeout: 30_000,
    connections: 64,
    // Giving `ca` replaces Node's roots: keep them, so a proxy in front of the real Graph still works.
    // One secure context for every connection: building it parses ~140 root certificates, which
    // per connection was a visible share of the proxy's CPU.
    connect: options.ca
      ? {
          secureContext: createSecureContext({
            ca: [...(Array.isArray(options.ca) ? options.ca : [options.ca]), ...rootCertificates],
          }),
        }
      : {},
  });
}
