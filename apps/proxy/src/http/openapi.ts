import { provisionOnDemandRequestSchema } from '@ondemand/core';
import { z } from 'zod';

/** The proxy's OpenAPI description, its request body generated from core's schema. */
export function openApiDocument() {
  const body = z.toJSONSchema(provisionOnDemandRequestSchema, { unrepresentable: 'any' });
  const graphError = {
    type: 'object',
    properties: {
      error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } },
    },
  };
  const approval = {
    type: 'object',
    properties: {
      id: { type: 'string' },
      state: {
        type: 'string',
        enum: ['pending', 'approved', 'denied', 'expired', 'executing', 'completed', 'failed', 'interrupted'],
      },
    },
  };
  const review = z.toJSONSchema(z.object({ reason: z.string().min(1) }));
  const provision = {
    post: {
      summary: 'Provision on demand (Graph-compatible), subject to the policy',
      security: [{ apiKey: [] }],
      parameters: ['sp', 'job'].map((name) => ({
        name,
        in: 'path',
        required: true,
        schema: { type: 'string' },
      })),
      requestBody: { required: true, content: { 'application/json': { schema: body } } },
      responses: {
        200: { description: "Graph's answer, as Graph gave it" },
        202: { description: 'Held for approval', content: { 'application/json': { schema: approval } } },
        400: { description: 'Invalid body', content: { 'application/json': { schema: graphError } } },
        401: { description: 'No or bad API key' },
        403: { description: 'Role or policy denies it' },
        503: { description: 'The audit log cannot be written: nothing was forwarded' },
      },
    },
  };
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
    paths: {
      '/v1.0/servicePrincipals/{sp}/synchronization/jobs/{job}/provisionOnDemand': provision,
      '/beta/servicePrincipals/{sp}/synchronization/jobs/{job}/provisionOnDemand': provision,
      '/approvals': {
        get: { summary: 'Approvals you may see', responses: { 200: { description: 'A list' } } },
      },
      '/approvals/{id}': {
        get: {
          summary: 'One approval; Prefer: wait=N long-polls until decided',
          responses: {
            200: { description: 'The approval', content: { 'application/json': { schema: approval } } },
          },
        },
      },
      '/approvals/{id}/approve': {
        post: {
          summary: 'Approve (approver role; never your own)',
          requestBody: { content: { 'application/json': { schema: review } } },
          responses: {
            200: { description: 'The approval after the review' },
            403: { description: 'Own request or wrong role' },
            409: { description: 'Already decided or expired' },
          },
        },
      },
      '/approvals/{id}/deny': {
        post: {
          summary: 'Deny with a reason',
          requestBody: { content: { 'application/json': { schema: review } } },
          responses: { 200: { description: 'The approval after the review' } },
        },
      },
      '/audit': {
        get: {
          summary: 'Audit entries (auditor): from, to, principal, action, job, subject, cursor, limit',
          responses: { 200: { description: 'A page' } },
        },
      },
      '/audit/export': {
        get: { summary: 'The whole log as NDJSON (auditor)', responses: { 200: { description: 'NDJSON' } } },
      },
      '/audit/verify': {
        get: {
          summary: 'Checks the hash chain (auditor)',
          responses: { 200: { description: 'The verdict, naming the first bad entry' } },
        },
      },
      '/healthz': { get: { responses: { 200: { description: 'Alive' } } } },
      '/readyz': {
        get: { responses: { 200: { description: 'Store reachable' }, 503: { description: 'Not ready' } } },
      },
      '/metrics': { get: { responses: { 200: { description: 'Prometheus text' } } } },
    },
  };
}
