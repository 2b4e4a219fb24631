import { POSTGRES_SCHEMA_NAME } from '@ondemand/audit-log/postgres';
import { z } from 'zod';
import { apiKeySchema, ROLES } from '../auth/roles.js';
import { policySchema } from '../policy/policy-schema.js';
import { consoleConfigSchema } from './console-config.js';

export const proxyConfigSchema = z
  .strictObject({
    port: z.number().int().min(0).max(65_535).default(8080),
    host: z.string().default('127.0.0.1'),
    /** HTTPS: the certificate (PEM, its chain after it) and its private key. */
    tls: z.strictObject({ certificateFile: z.string().min(1), keyFile: z.string().min(1) }).optional(),
    /** Plain HTTP, only behind a TLS terminator (Graph SDKs send their token to HTTPS hosts only). */
    plainHttp: z.boolean().default(false),
    /**
     * The URL callers reach the proxy at (`https://ondemand.example.com`): every link it writes
     * (paging, `@odata.context`, `Location`, approvals in webhooks) starts with it. Default: the
     * address it listens on.
     */
    publicUrl: z
      .url()
      .refine(
        (url) => /^https?:\/\//.test(url) && !/[?#]/.test(url),
        'publicUrl is an http(s) URL without query or fragment',
      )
      .transform((url) => url.replace(/\/+$/, ''))
      .optional(),
    /**
     * Addresses of the TLS terminators or load balancers in front: only from these are `Forwarded`
     * and `X-Forwarded-Proto`/`-Host` believed (off by default; `publicUrl` wins over both).
     */
    trustedProxies: z.array(z.string().min(1)).default([]),
    /** How long an `Idempotency-Key` is remembered (the first answer is replayed for its reuse). */
    idempotencyKeyHours: z
      .number()
      .positive()
      .max(24 * 30)
      .default(24),
    /**
     * Where an `Idempotency-Key`'s first answer waits on this machine's disk while the store cannot
     * take it; `{replica}` is replaced by the replica's id. Default: beside the SQLite file, or
     * `ondemand-proxy-{replica}.answers.ndjson`.
     */
    idempotencyAnswerFile: z.string().min(1).optional(),
    /** The SQLite file (one file, nothing to install): the store unless `store` names PostgreSQL. */
    database: z.string().min(1).default('ondemand-proxy.sqlite'),
    /** `postgres://…`: the shared store for several replicas (env ONDEMAND_STORE). */
    store: z
      .string()
      .regex(
        /^postgres(ql)?:\/\//,
        'store (or ONDEMAND_STORE) must be a postgres:// URL; leave it out for the SQLite file',
      )
      .optional(),
    /** The PostgreSQL schema for the tables (env ONDEMAND_STORE_SCHEMA). */
    storeSchema: z
      .string()
      .regex(POSTGRES_SCHEMA_NAME, 'storeSchema must be lower-case letters, digits and _')
      .default('ondemand'),
    /** The shared rate limiter for several replicas (env ONDEMAND_LIMITER=redis://…). */
    limiter: z
      .strictObject({
        url: z
          .string()
          .regex(/^rediss?:\/\//, 'limiter.url (or ONDEMAND_LIMITER) must be a redis:// or rediss:// URL'),
        /**
         * While Redis cannot be reached: `fail` answers 503 with Retry-After and sends nothing;
         * `local` paces calls in each replica at `localLimit` per window (keep replicas × localLimit
         * within Graph's limit).
         */
        whenUnavailable: z.enum(['fail', 'local']).default('fail'),
        localLimit: z.number().int().positive().default(1),
        prefix: z.string().default('ondemand:limiter:'),
      })
      .optional(),
    /** This replica's name, unique among replicas sharing a store (env ONDEMAND_REPLICA_ID). */
    replicaId: z.string().min(1).optional(),
    /** A replica silent this long (no heartbeat) loses its claimed approval runs to the others. */
    replicaLeaseSeconds: z.number().positive().default(60),
    /** Calls waiting for the rate limit beyond this answer 503 with Retry-After at once. */
    maxQueuedCalls: z.number().int().positive().default(25),
    /** One principal's calls waiting beyond this answer 503 at once: a share for everyone else (default: half of maxQueuedCalls). */
    maxQueuedCallsPerPrincipal: z.number().int().positive().optional(),
    /** `/metrics` only for a caller with a valid key (any role): its counts say how the proxy is used. */
    metricsNeedKey: z.boolean().default(false),
    /** Requests one requester may have waiting for approval at once; one more answers 429. */
    maxPendingPerRequester: z.number().int().positive().default(50),
    graph: z.strictObject({
      cloud: z.enum(['global', 'usgov', 'dod']).optional(),
      baseUrl: z.url().optional(),
      loginUrl: z.url().optional(),
      caFile: z.string().optional(),
      tenantId: z.string().min(1),
      clientId: z.string().min(1),
      /** Read from the environment variable it names, so the secret never sits in the file. */
      clientSecretEnv: z.string().default('AZURE_CLIENT_SECRET'),
      certificateFile: z.string().optional(),
      rateLimit: z
        .strictObject({
          limit: z.number().int().positive(),
          windowMs: z.number().positive(),
          /** Added to the window to absorb network jitter (default 2% of it). */
          marginMs: z.number().nonnegative().optional(),
        })
        .optional(),
      /** The provisioning logs' reports limit (default Graph's: 5 per 10 000 ms), shared like rateLimit's. */
      reportsLimit: z
        .strictObject({
          limit: z.number().int().positive(),
          windowMs: z.number().positive(),
          marginMs: z.number().nonnegative().optional(),
        })
        .optional(),
      /**
       * What one window counts: `servicePrincipal` (each app apart, the default) or `tenant` (all of
       * the tenant's apps together). Graph's reference says only "5 requests per 10 seconds".
       */
      rateLimitScope: z
        .enum(['servicePrincipal', 'tenant'], { error: 'rateLimitScope is servicePrincipal or tenant' })
        .default('servicePrincipal'),
    }),
    apiKeys: z.array(apiKeySchema).default([]),
    /** Optional: also accept Entra ID-issued JWTs, checked against the issuer's JWKS. */
    jwt: z
      .strictObject({
        issuer: z.string().min(1),
        audience: z.string().min(1),
        jwksUrl: z.url(),
        caFile: z.string().optional(),
        rolesClaim: z.string().default('roles'),
        principalClaim: z.string().default('oid'),
        roleMap: z.record(z.string(), z.enum(ROLES)).default({}),
        /** The longest a token may live from issue to expiry (Entra's last an hour or so). */
        maxTokenLifetimeMinutes: z
          .number()
          .positive()
          .default(24 * 60),
      })
      .optional(),
    policy: policySchema,
    /** Optional: the web console for people who never open a terminal (see the README). */
    console: consoleConfigSchema.optional(),
    /** Optional: POSTs new and decided approvals, signed with an HMAC of the secret in `secretEnv`. */
    webhook: z
      .strictObject({ url: z.url(), secretEnv: z.string().default('ONDEMAND_WEBHOOK_SECRET') })
      .optional(),
    /**
     * The audit log's anchor outside the database: checkpoints of the chain's head signed with an
     * Ed25519 key (from a file or an environment variable, never the database), also appended to a
     * witness file. Without a key the log is still hash-chained, but a database writer could rewrite it.
     */
    audit: z
      .strictObject({
        signingKeyFile: z.string().min(1).optional(),
        /** The environment variable holding the key's PEM. */
        signingKeyEnv: z.string().min(1).optional(),
        /** The witness file; `{replica}` in it is replaced by the replica's id (one file each). */
        witnessFile: z.string().min(1).optional(),
        checkpointEvery: z
          .strictObject({
            entries: z.number().int().positive().default(1_000),
            seconds: z.number().positive().default(60),
          })
          .default({ entries: 1_000, seconds: 60 }),
        /**
         * Where outcomes wait, on this machine's disk, when the store cannot take them; `{replica}` is
         * replaced by the replica's id. Default: beside the SQLite file, or `ondemand-proxy-{replica}.outcomes.ndjson`.
         */
        spoolFile: z.string().min(1).optional(),
        /** Calls without a valid key recorded one by one in a minute; the rest are counted in the next entry. */
        unauthenticatedPerMinute: z.number().int().positive().default(60),
      })
      .refine((audit) => !(audit.signingKeyFile && audit.signingKeyEnv), {
        message: 'give the signing key one way: signingKeyFile or signingKeyEnv',
        path: ['signingKeyFile'],
      })
      .default({ checkpointEvery: { entries: 1_000, seconds: 60 }, unauthenticatedPerMinute: 60 }),
    maxBodyBytes: z
      .number()
      .int()
      .positive()
      .default(64 * 1024),
    upstreamTimeoutMs: z.number().int().positive().default(30_000),
  })
  .refine((config) => config.apiKeys.length > 0 || config.jwt !== undefined, {
    message: 'give at least one API key (apiKeys) or accept JWTs (jwt), or nobody can call the proxy',
    path: ['apiKeys'],
  })
  .refine((config) => config.tls !== undefined || config.plainHttp, {
    message:
      'give tls: { certificateFile, keyFile } (Graph SDKs send their token to HTTPS hosts only), or plainHttp: true behind a TLS terminator',
    path: ['tls'],
  })
  .refine((config) => !(config.tls && config.plainHttp), {
    message: 'give tls or plainHttp: true, not both',
    path: ['plainHttp'],
  })
  .refine((config) => config.publicUrl !== undefined || !['0.0.0.0', '::', '[::]'].includes(config.host), {
    message:
      'listening on every address needs publicUrl: the links the proxy writes (paging, approvals) must name the address callers use',
    path: ['publicUrl'],
  })
  .refine((config) => config.store === undefined || config.replicaId !== undefined, {
    message:
      'with a shared store every replica needs its own replicaId (or ONDEMAND_REPLICA_ID), so a restart recovers only its own runs',
    path: ['replicaId'],
  });
export type ProxyConfig = z.infer<typeof proxyConfigSchema>;
export type ProxyConfigInput = z.input<typeof proxyConfigSchema>;
