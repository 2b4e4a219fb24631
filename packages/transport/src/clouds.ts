import type { ApiVersion } from '@ondemand/core';
import { withoutApiVersion } from '@ondemand/core';
import { ConfigError } from './errors.js';

/** The national clouds where provisionOnDemand is available (and China, where it is not). */
export type CloudName = 'global' | 'usgov' | 'dod' | 'china';

export interface CloudEndpoints {
  /** Graph's root, without version: `https://graph.microsoft.com`. */
  graphUrl: string;
  /** Entra ID's authority host: `https://login.microsoftonline.com`. */
  loginUrl: string;
}

export const CLOUDS: Record<Exclude<CloudName, 'china'>, CloudEndpoints> = {
  global: { graphUrl: 'https://graph.microsoft.com', loginUrl: 'https://login.microsoftonline.com' },
  usgov: { graphUrl: 'https://graph.microsoft.us', loginUrl: 'https://login.microsoftonline.us' },
  dod: { graphUrl: 'https://dod-graph.microsoft.us', loginUrl: 'https://login.microsoftonline.us' },
};

export interface ResolvedEndpoints {
  /** Where Graph calls go, with the version: `https://graph.microsoft.com/v1.0`. */
  graphBaseUrl: string;
  loginUrl: string;
  /** The scope to ask tokens for: `https://graph.microsoft.com/.default` (for custom URLs too). */
  scope: string;
  /** Whether this is a custom endpoint (simulator, proxy) rather than a Microsoft cloud. */
  custom: boolean;
}

/**
 * Picks Graph and login URLs: a named cloud, or custom URLs (the simulator, the proxy) which win.
 *
 * @example resolveEndpoints({ cloud: 'usgov' }).graphBaseUrl // 'https://graph.microsoft.us/v1.0'
 */
export function resolveEndpoints(options: {
  cloud?: string;
  baseUrl?: string;
  loginUrl?: string;
  apiVersion?: ApiVersion;
}): ResolvedEndpoints {
  const cloudName = options.cloud ?? 'global';
  if (cloudName === 'china') {
    throw new ConfigError(
      'provisionOnDemand is not available in the China cloud (21Vianet): use the Entra admin center there, or pick cloud global, usgov or dod',
    );
  }
  const cloud = CLOUDS[cloudName as keyof typeof CLOUDS];
  if (!cloud)
    throw new ConfigError(`unknown cloud "${cloudName}": use global, usgov (US Gov L4) or dod (US Gov L5)`);
  const version = options.apiVersion ?? 'v1.0';
  const graphRoot = withoutApiVersion(trimSlash(options.baseUrl ?? cloud.graphUrl));
  for (const [name, url] of [
    ['baseUrl', options.baseUrl],
    ['loginUrl', options.loginUrl],
  ] as const) {
    if (url !== undefined && !/^https?:\/\/[^\s/]+/.test(url))
      throw new ConfigError(`${name} "${url}" is not an http(s) URL`);
  }
  return {
    graphBaseUrl: `${graphRoot}/${version}`,
    loginUrl: trimSlash(options.loginUrl ?? (options.baseUrl ? graphRoot : cloud.loginUrl)),
    // Custom endpoints stand in for Graph, so tokens are still asked for Graph's resource.
    scope: `${cloud.graphUrl}/.default`,
    custom: options.baseUrl !== undefined,
  };
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
