import { withoutApiVersion } from '@ondemand/core';
import type { ProxyContext } from '../app/context.js';

/**
 * Graph's answer with the links that name Graph (`@odata.context`, `@odata.nextLink`) naming the proxy
 * instead, at `base`: callers follow them here, and an answer never tells them where Graph is.
 */
export function graphAnswerText(ctx: Pick<ProxyContext, 'graph'>, text: string, base: string): string {
  return text.replaceAll(withoutApiVersion(ctx.graph.graphBaseUrl), base);
}
