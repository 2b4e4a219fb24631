import { toEntry, verifyChain } from '@ondemand/audit-log';
import { auditQuerySchema } from '@ondemand/core';
import { type Context, Hono } from 'hono';
import type { ProxyContext, ProxyEnv } from '../app/context.js';
import { requireRole } from '../auth/authentication.js';
import { ProxyError } from '../http/proxy-error.js';

/** The audit log for auditors: query with filters and a cursor, export it whole, verify it. */
export function auditRoutes(ctx: ProxyContext): Hono<ProxyEnv> {
  const app = new Hono<ProxyEnv>();
  const { audit } = ctx;

  app.get('/', async (c) => {
    await requireRole(ctx, c, ['auditor'], 'Reading the audit log');
    const query = auditQuerySchema.safeParse(c.req.query());
    if (!query.success)
      throw new ProxyError(
        400,
        'BadRequest',
        query.error.issues
          .map((issue) =>
            issue.code === 'unrecognized_keys'
              ? `unknown filter ${issue.keys.join(', ')}: use from, to, principal, action, job, subject, cursor, limit`
              : `${issue.path.join('.')}: ${issue.message}`,
          )
          .join('; '),
      );
    const { cursor, job, limit, ...filters } = query.data;
    const entries = await audit.query({
      ...filters,
      ...(job ? { jobId: job } : {}),
      after: cursor ?? 0,
      limit,
    });
    const { cursor: _cursor, ...rest } = c.req.query();
    const next =
      entries.length === limit
        ? `${ctx.urls.of(c)}/audit?${new URLSearchParams({ ...rest, cursor: String(entries.at(-1)!.seq) })}`
        : undefined;
    return c.json({ value: entries, ...(next ? { '@odata.nextLink': next } : {}) });
  });

  app.get('/export', async (c) => {
    await requireRole(ctx, c, ['auditor'], 'Exporting the audit log');
    return auditExport(ctx, c);
  });

  app.get('/verify', async (c) => {
    await requireRole(ctx, c, ['auditor'], 'Verifying the audit log');
    const chain = await audit.openChain();
    try {
      return c.json(await verifyChain(chain, await ctx.chainTrust()));
    } finally {
      await chain.close();
    }
  });
  return app;
}

/** The whole log as NDJSON, streamed from one snapshot a batch at a time (a log of millions never sits in memory). */
export async function auditExport(ctx: ProxyContext, c: Context): Promise<Response> {
  const chain = await ctx.audit.openChain();
  const batches = chain.rows()[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await batches.next();
        if (next.done) {
          await chain.close();
          controller.close();
          return;
        }
        controller.enqueue(
          encoder.encode(next.value.map((row) => `${JSON.stringify(toEntry(row))}\n`).join('')),
        );
      } catch (error) {
        await chain.close();
        controller.error(error);
      }
    },
    async cancel() {
      await chain.close();
    },
  });
  return c.body(body, 200, {
    'content-type': 'application/x-ndjson',
    'content-disposition': 'attachment; filename="ondemand-audit.ndjson"',
  });
}
