import {
  approvalListQuerySchema,
  approvalViewSchema,
  auditQuerySchema,
  provisionOnDemandRequestSchema,
  reviewSchema,
} from '@ondemand/core';
import { z } from 'zod';
import { MAX_WAIT_SECONDS } from '../http/prefer-wait.js';

/** A zod schema as JSON Schema, as a caller sends it (before defaults and transforms). */
const jsonSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });

/** A query schema's keys as OpenAPI query parameters. */
function queryParameters(schema: z.ZodObject) {
  return Object.entries(schema.shape).map(([name, field]) => ({
    name,
    in: 'query',
    required: !(field as z.ZodType).safeParse(undefined).success,
    schema: jsonSchema(field as z.ZodType),
  }));
}

const json = (schema: unknown, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

const graphError = {
  type: 'object',
  properties: {
    error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } },
  },
};

const preferWait = {
  name: 'Prefer',
  in: 'header',
  schema: { type: 'string', examples: ['wait=30'] },
  description: `RFC 7240 wait=N (up to ${MAX_WAIT_SECONDS} s): hold the call until the request is decided`,
};

/**
 * The proxy's OpenAPI description: provisionOnDemand's body from core's schema, approvals from core's
 * approval contract, every query from the schema its route validates with.
 */
export function openApiDocument() {
  const approval = { ...jsonSchema(approvalViewSchema), $schema: undefined };
  const heldAnswer = {
    description:
      'Held for approval: Location is the approval, resultUrl answers as Graph did once it is decided',
    headers: {
      Location: { schema: { type: 'string', format: 'uri' } },
      'Retry-After': { schema: { type: 'integer' } },
    },
    content: {
      'application/json': {
        schema: {
          allOf: [
            approval,
            { properties: { '@odata.type': { const: '#ondemand.approval' }, message: { type: 'string' } } },
          ],
        },
      },
    },
  };
  const asGraphAnswered = {
    200: { description: "Graph's answer to the run, as Graph gave it" },
    202: heldAnswer,
    403: json(graphError, 'Denied by an approver (with the reason), or expired'),
    409: json(graphError, 'Withdrawn: it will not run'),
    502: json(graphError, 'Sent, and its answer was lost: it may have run (x-ondemand-outcome: unknown)'),
  };
  const provision = {
    post: {
      summary: 'Provision on demand (Graph-compatible), subject to the policy',
      security: [{ apiKey: [] }],
      parameters: [
        ...['sp', 'job'].map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
        preferWait,
        {
          name: 'Idempotency-Key',
          in: 'header',
          schema: { type: 'string', maxLength: 255 },
          description: 'A retry with the same key and body is answered from the first call, never sent again',
        },
      ],
      requestBody: {
        required: true,
        content: { 'application/json': { schema: jsonSchema(provisionOnDemandRequestSchema) } },
      },
      responses: {
        ...asGraphAnswered,
        400: json(graphError, 'Invalid body, named field by field'),
        401: { description: 'No or bad API key' },
        409: json(graphError, 'Withdrawn (it will not run), or the same Idempotency-Key still running'),
        422: json(graphError, 'The same Idempotency-Key with another body'),
        503: json(graphError, 'Nothing was forwarded (audit log, store or limiter away); Retry-After'),
      },
    },
  };
  const review = (summary: string) => ({
    post: {
      summary,
      security: [{ apiKey: [] }],
      requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(reviewSchema) } } },
      responses: {
        200: json(approval, 'The approval after the review'),
        403: json(graphError, 'Own request or wrong role'),
        404: json(graphError, 'No such approval that you may see'),
        409: json(graphError, 'Already decided, withdrawn or expired'),
      },
    },
  });
  const idParameter = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
  return {
    openapi: '3.1.0',
    info: {
      title: 'ondemand-proxy',
      version: '0.0.0',
      description:
        "Microsoft Graph's provisionOnDemand behind API keys, a policy, approvals and a hash-chained audit log.",
    },
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'An ondemand-proxy API key' },
      },
    },
    security: [{ apiKey: [] }],
    paths: {
      '/v1.0/servicePrincipals/{sp}/synchronization/jobs/{job}/provisionOnDemand': provision,
      '/beta/servicePrincipals/{sp}/synchronization/jobs/{job}/provisionOnDemand': provision,
      '/approvals': {
        get: {
          summary: 'Approvals you may see, newest first (requesters: their own)',
          parameters: [
            ...queryParameters(approvalListQuerySchema),
            {
              name: 'If-None-Match',
              in: 'header',
              schema: { type: 'string' },
              description: "The page's ETag: with Prefer: wait=N, held until the page changes",
            },
            preferWait,
          ],
          responses: {
            200: json(
              {
                type: 'object',
                properties: {
                  value: { type: 'array', items: approval },
                  '@odata.nextLink': { type: 'string', format: 'uri' },
                },
              },
              'A page; @odata.nextLink names the next; ETag names the page',
            ),
            304: { description: 'The page has not changed (If-None-Match), within the wait' },
            400: json(graphError, 'An unknown filter or state'),
          },
        },
      },
      '/approvals/{id}': {
        get: {
          summary: 'One approval; Prefer: wait=N holds the call until it is decided',
          parameters: [idParameter, preferWait],
          responses: {
            200: json(approval, 'The approval'),
            404: json(graphError, 'No such approval that you may see'),
          },
        },
      },
      '/approvals/{id}/result': {
        get: {
          summary: 'What came of it, answered as the held POST would have been (what an SDK follows)',
          parameters: [idParameter, preferWait],
          responses: { ...asGraphAnswered, 404: json(graphError, 'No such approval that you may see') },
        },
      },
      '/approvals/{id}/approve': review('Approve (approver role; never your own)'),
      '/approvals/{id}/deny': review('Deny, with the reason the requester is told'),
      '/approvals/{id}/withdraw': {
        post: {
          summary: 'Withdraw a pending request (its requester or an admin): it never runs',
          parameters: [idParameter],
          responses: {
            200: json(approval, 'The withdrawn approval'),
            403: json(graphError, "Someone else's request"),
            409: json(graphError, 'No longer pending'),
          },
        },
      },
      '/audit': {
        get: {
          summary: 'Audit entries (auditor)',
          parameters: queryParameters(auditQuerySchema),
          responses: { 200: { description: 'A page' }, 400: json(graphError, 'An unknown filter') },
        },
      },
      '/audit/export': {
        get: { summary: 'The whole log as NDJSON (auditor)', responses: { 200: { description: 'NDJSON' } } },
      },
      '/audit/verify': {
        get: {
          summary: 'Checks the hash chain, the checkpoints and the witness (auditor)',
          responses: { 200: { description: 'The verdict, listing every problem' } },
        },
      },
      '/healthz': { get: { security: [], responses: { 200: { description: 'Alive' } } } },
      '/readyz': {
        get: {
          security: [],
          responses: { 200: { description: 'Ready' }, 503: { description: 'Not ready, and why' } },
        },
      },
      '/metrics': { get: { security: [], responses: { 200: { description: 'Prometheus text' } } } },
    },
  };
}
