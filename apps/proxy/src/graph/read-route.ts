import { API_VERSIONS } from '@ondemand/core';
import { TransportError } from '@ondemand/transport';
import { z } from 'zod';
import { auditContext, type ProxyContext, type ProxyRequest } from '../app/context.js';
import { requireRole } from '../auth/authentication.js';
import { ROLES } from '../auth/roles.js';
import { respond } from '../http/graph-shaped-answer.js';
import { ProxyError } from '../http/proxy-error.js';
import { graphAnswerText } from './public-links.js';
import { allowedRead, isProvisioningLogs, PROVISIONING_LOG_READERS } from './read-allow-list.js';

const readParams = z.object({ version: z.enum(API_VERSIONS) });

/** An allow-listed read, passed to Graph with the proxy's own permissions and audited first. */
export async function read(ctx: ProxyContext, c: ProxyRequest): Promise<Response> {
  // The proxy reads with its own Graph permissions: only callers it knows a role for may use them.
  await requireRole(ctx, c, [...ROLES], 'Reading the directory through the proxy');
  const { version: apiVersion } = readParams.parse(c.req.param());
  const url = new URL(c.req.url);
  const allowed = allowedRead(url.pathname.slice(apiVersion.length + 1), url.searchParams);
  if (!allowed.ok) throw new ProxyError(404, 'NotFound', `Not passed through: ${allowed.issue.message}.`);
  const logs = isProvisioningLogs(allowed.path);
  if (logs) await requireRole(ctx, c, [...PROVISIONING_LOG_READERS], 'Reading the provisioning logs');
  await ctx.audit.append([
    ctx.audit.entry('read', auditContext(c), {
      detail: { apiVersion, path: allowed.path, query: url.search },
    }),
  ]);
  c.set('audited', true);
  const consistency = c.req.header('consistencylevel');
  let answer: Awaited<ReturnType<typeof ctx.graph.forwardGet>>;
  try {
    answer = await ctx.graph.forwardGet(`${allowed.path}${url.search}`, {
      apiVersion,
      ...(consistency ? { headers: { ConsistencyLevel: consistency } } : {}),
      // Graph's reports limit, shared by every replica through the limiter's store: callers wait, Graph never says 429.
      ...(logs ? { pace: 'reports' as const } : {}),
    });
  } catch (error) {
    if (!(error instanceof TransportError)) throw error;
    throw new ProxyError(
      error.code === 'timeout' ? 504 : 502,
      error.code === 'timeout' ? 'GatewayTimeout' : 'BadGateway',
      `Graph could not be reached: ${error.message}`,
      { audited: true },
      { cause: error },
    );
  }
  return respond(c, {
    status: answer.status,
    text: graphAnswerText(ctx, answer.text, ctx.urls.of(c)),
    headers: { 'content-type': 'application/json', 'graph-request-id': answer.requestId ?? '' },
  });
}
