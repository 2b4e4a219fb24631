import type { LimiterStore } from '@ondemand/core';
import { createGraphClient, type GraphClient } from '@ondemand/transport';
import type { ProxyConfig } from '../config/config.js';
import { readNamedFile, StartupInputMissing } from '../config/startup-inputs.js';

/**
 * The proxy's own Graph client, as `graph` in the config describes it: endpoint, cloud, CA, the
 * app's credential (a certificate file, or a secret from the environment variable the config names),
 * the rate limit and its shared window.
 */
export async function graphClientFor(
  config: ProxyConfig,
  inputs: {
    env: Record<string, string | undefined>;
    ca: string | undefined;
    limiterStore: LimiterStore | undefined;
  },
): Promise<GraphClient> {
  const { graph } = config;
  const certificate = graph.certificateFile
    ? await readNamedFile(graph.certificateFile, 'graph.certificateFile')
    : undefined;
  const clientSecret = inputs.env[graph.clientSecretEnv];
  if (!certificate && !clientSecret)
    throw new StartupInputMissing(
      `no Graph credential: graph.clientSecretEnv names ${graph.clientSecretEnv}, which is not set in the proxy's environment (set it, name another variable, or give graph.certificateFile)`,
    );
  return createGraphClient({
    ...(graph.baseUrl ? { baseUrl: graph.baseUrl } : {}),
    ...(graph.loginUrl ? { loginUrl: graph.loginUrl } : {}),
    ...(graph.cloud ? { cloud: graph.cloud } : {}),
    ...(inputs.ca ? { ca: inputs.ca } : {}),
    ...(graph.rateLimit ? { rateLimit: graph.rateLimit } : {}),
    ...(graph.reportsLimit ? { reportsLimit: graph.reportsLimit } : {}),
    rateLimitScope: graph.rateLimitScope,
    ...(inputs.limiterStore ? { limiterStore: inputs.limiterStore } : {}),
    tenantId: graph.tenantId,
    clientId: graph.clientId,
    ...(certificate ? { certificate } : { clientSecret }),
    timeoutMs: config.upstreamTimeoutMs,
    env: {},
  });
}
