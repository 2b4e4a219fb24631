import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { approvalRequest } from '../../test/approval-requests.js';
import type { ProxyContext, ProxyEnv } from '../app/context.js';
import type { ApprovalRecord } from './approval.js';
import { answerHeld } from './held-request.js';

/** The answer `answerHeld` gives for `record`, from an app that only does that. */
async function heldAnswer(record: ApprovalRecord) {
  const ctx = {
    urls: { of: () => 'https://proxy.example' },
    graph: { graphBaseUrl: 'https://graph.example/v1.0' },
    approvals: { waitForDecision: async () => record },
  } as unknown as ProxyContext;
  const app = new Hono<ProxyEnv>();
  app.use('*', async (c, next) => {
    c.set('requestId', 'r-1');
    await next();
  });
  app.get('/', (c) => answerHeld(ctx, c, record));
  const answer = await app.request('/');
  return { status: answer.status, headers: answer.headers, text: await answer.text() };
}

function record(overrides: Partial<ApprovalRecord>): ApprovalRecord {
  const request = approvalRequest();
  return {
    id: 'a-1',
    state: 'pending',
    requester: request.requester,
    reason: null,
    createdAt: '2026-12-07T10:00:00.000Z',
    expiresAt: '2026-12-07T11:00:00.000Z',
    apiVersion: 'v1.0',
    servicePrincipalId: 'sp',
    jobId: 'job',
    body: JSON.stringify(request.body),
    bodyHash: 'h',
    rule: 'groups',
    required: { count: 1, roles: ['approver'] },
    reviews: [],
    result: null,
    ...overrides,
  };
}

describe('the answer to a held request', () => {
  it('is a 202 pointing at the approval while it is open, typed so no SDK takes it for Graph’s answer', async () => {
    const answer = await heldAnswer(record({}));
    expect(answer.status).toBe(202);
    expect(answer.headers.get('location')).toBe('https://proxy.example/approvals/a-1');
    expect(answer.headers.get('retry-after')).toBe('5');
    expect(JSON.parse(answer.text)['@odata.type']).toBe('#ondemand.approval');
  });

  it("is Graph's own answer once it ran: its text, its status and its headers, links naming the proxy", async () => {
    const text = '{"@odata.context":"https://graph.example/v1.0/$metadata#x", "key": "k"}';
    const answer = await heldAnswer(
      record({
        state: 'failed',
        result: {
          status: 400,
          body: JSON.parse(text),
          text,
          headers: { 'content-type': 'application/json', 'graph-request-id': 'g-9' },
          graphRequestId: 'g-9',
          finishedAt: '2026-12-07T10:05:00.000Z',
        },
      }),
    );
    expect(answer.status).toBe(400);
    expect(answer.text).toBe('{"@odata.context":"https://proxy.example/v1.0/$metadata#x", "key": "k"}');
    expect(answer.headers.get('graph-request-id')).toBe('g-9');
  });

  it('says how it ended otherwise, one sentence each: denied (403), withdrawn (409), lost (502, may have run)', async () => {
    const denied = await heldAnswer(
      record({
        state: 'denied',
        reviews: [{ principal: 'approver', decision: 'deny', reason: 'not now', at: 'x' }],
      }),
    );
    expect(denied.status).toBe(403);
    expect(JSON.parse(denied.text).error.message).toBe(
      'Denied by approver: not now (https://proxy.example/approvals/a-1).',
    );
    const withdrawn = await heldAnswer(
      record({ state: 'withdrawn', withdrawn: { principal: 'alice', at: 'then' } }),
    );
    expect(withdrawn.status).toBe(409);
    expect(JSON.parse(withdrawn.text).error.message).toMatch(/^Withdrawn by alice at then/);
    const lost = await heldAnswer(record({ state: 'interrupted' }));
    expect(lost.status).toBe(502);
    expect(lost.headers.get('x-ondemand-outcome')).toBe('unknown');
  });
});
