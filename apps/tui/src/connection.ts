import { readFile } from 'node:fs/promises';
import { PROVISION_ON_DEMAND_LIMIT } from '@ondemand/core';
import type { RunningSimulator } from '@ondemand/simulator';
import type {
  CloudName,
  DeviceCodePrompt,
  GraphClient,
  GraphClientOptions,
  ProxyClient,
} from '@ondemand/transport';
import { z } from 'zod';
import { badInput, CliError, ExitCode } from './exit-codes.js';
import { flagSet } from './flag-set.js';
import type { CliIo } from './io.js';
import { readSecret } from './secret-input.js';

/** The app and job a command needs; names every one missing. */
export function requireJobTarget(
  values: { sp?: unknown; job?: unknown },
  usage: string,
): { sp: string; job: string } {
  const missing = [!values.sp && '--sp', !values.job && '--job'].filter(Boolean);
  if (missing.length > 0)
    throw badInput(`${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} required\n\n${usage}`);
  return { sp: String(values.sp), job: String(values.job) };
}

/** The connection flags every command that talks to Graph takes, written once. */
const connectionFlags = flagSet({
  simulate: {
    type: 'boolean',
    schema: z.boolean(),
    usage: [
      '--simulate',
      'an embedded simulator (nothing to set up); its tenant is kept between runs in\n~/.cache/ondemand',
    ],
  },
  'simulate-reset': {
    type: 'boolean',
    schema: z.boolean(),
    usage: ['--simulate-reset', 'the simulator, its tenant started over'],
  },
  'sim-time-scale': {
    type: 'string',
    schema: z.coerce
      .number({ error: '--sim-time-scale must be a number' })
      .positive('--sim-time-scale must be greater than 0'),
    usage: ['--sim-time-scale K', "runs the simulator's clock K× faster"],
  },
  'graph-url': {
    type: 'string',
    schema: z.url({ error: '--graph-url must be a URL such as https://127.0.0.1:8443' }),
    usage: ['--graph-url URL', 'Graph elsewhere: a private endpoint, a simulator (ONDEMAND_GRAPH_URL)'],
  },
  'login-url': {
    type: 'string',
    schema: z.url({ error: '--login-url must be a URL' }),
    usage: ['--login-url URL', 'the sign-in authority for --graph-url'],
  },
  ca: {
    type: 'string',
    schema: z.string(),
    usage: ['--ca FILE', 'trust this CA (a private Graph endpoint, the proxy)'],
  },
  cloud: {
    type: 'string',
    schema: z.enum(['global', 'usgov', 'dod', 'china'], { error: '--cloud must be global, usgov or dod' }),
    usage: ['--cloud NAME', 'global (the default), usgov or dod'],
  },
  tenant: { type: 'string', schema: z.string(), usage: ['--tenant ID', 'the tenant (AZURE_TENANT_ID)'] },
  'client-id': {
    type: 'string',
    schema: z.string(),
    usage: ['--client-id ID', 'the app that signs in (AZURE_CLIENT_ID)'],
  },
  'client-secret': {
    type: 'string',
    schema: z.string(),
    usage: [
      '--client-secret S',
      "its secret; any process can read it with ps, and your shell's history\nkeeps it: prefer AZURE_CLIENT_SECRET or --client-secret-file",
    ],
  },
  'client-secret-file': {
    type: 'string',
    schema: z.string(),
    usage: ['--client-secret-file FILE', 'its secret from a file (- reads standard input)'],
  },
  certificate: {
    type: 'string',
    schema: z.string(),
    usage: ['--certificate PEM', 'its certificate and key (AZURE_CLIENT_CERTIFICATE_PATH)'],
  },
  'device-code': {
    type: 'boolean',
    schema: z.boolean(),
    usage: ['--device-code', 'sign in as yourself, with a code shown here'],
  },
  proxy: {
    type: 'string',
    schema: z.url({ error: '--proxy must be a URL such as https://ondemand-proxy.example' }),
    usage: ['--proxy URL', 'the ondemand proxy (ONDEMAND_PROXY_URL)'],
  },
  'api-key': {
    type: 'string',
    schema: z.string(),
    usage: ['--api-key KEY', 'its API key; prefer ONDEMAND_API_KEY or --api-key-file'],
  },
  'api-key-file': {
    type: 'string',
    schema: z.string(),
    usage: ['--api-key-file FILE', 'its API key from a file (- reads standard input)'],
  },
  'rate-limit': {
    type: 'string',
    schema: z
      .string()
      .regex(/^\d+\/\d+$/, '--rate-limit takes N/MS, e.g. 5/10000 (5 calls per 10 000 ms)')
      .transform((text) => {
        const [limit, windowMs] = text.split('/').map(Number) as [number, number];
        return { limit, windowMs };
      })
      .refine((rate) => rate.limit > 0 && rate.windowMs > 0, '--rate-limit needs N and MS above 0'),
    usage: [
      '--rate-limit N/MS',
      "pace provisionOnDemand at N calls per MS ms (default 5/10000, Graph's limit)",
    ],
  },
  'rate-limit-scope': {
    type: 'string',
    schema: z
      .enum(['app', 'tenant'], { error: '--rate-limit-scope is app or tenant' })
      .transform((scope) => (scope === 'app' ? ('servicePrincipal' as const) : ('tenant' as const))),
    usage: [
      '--rate-limit-scope app|tenant',
      'one window per app (the default), or one for all of the tenant\'s apps: Graph\'s\nreference says only "5 requests per 10 seconds", not over what',
    ],
  },
});

/** The connection flags' parser options (see `connectionUsage`). */
export const connectionOptions = connectionFlags.options;

export const connectionUsage = `Connection (one of):
  --simulate [--simulate-reset] [--sim-time-scale K]
  --tenant ID --client-id ID (SECRET | --certificate PEM | --device-code) [--cloud global|usgov|dod]
  --graph-url URL [--login-url URL] [--ca FILE] --tenant ID --client-id ID (SECRET | --certificate PEM)
  --proxy URL (KEY) [--ca FILE]
SECRET, safest first: AZURE_CLIENT_SECRET in the environment, --client-secret-file, --client-secret;
KEY, the same ways: ONDEMAND_API_KEY, --api-key-file, --api-key.
${connectionFlags.usageLines()}`;

const flagsSchema = connectionFlags.schema;

/** A live connection: the client, what it is connected to (always shown), and how to close it. */
export interface Connection {
  graph: GraphClient;
  /** "simulator (embedded) · tenant 72f9… · https://127.0.0.1:41234". */
  description: string;
  kind: 'simulator' | 'tenant' | 'proxy';
  simulator?: RunningSimulator;
  /** The proxy's own API (approvals, audit), when connected to a proxy. */
  proxy?: ProxyClient;
  close(): Promise<void>;
}

/**
 * Opens the connection the flags (or the environment) describe. Flags win over the environment;
 * a missing piece is a clear config error (exit 3), never a stack.
 */
export async function connect(
  values: Record<string, unknown>,
  io: CliIo,
  onDeviceCode?: (prompt: DeviceCodePrompt) => void,
): Promise<Connection> {
  // Loaded on connect, not at start: MSAL and undici would delay the UI's first frame by ~0.4 s.
  const { createGraphClient, createProxyClient } = await import('@ondemand/transport');
  const parsed = flagsSchema.safeParse(values);
  if (!parsed.success)
    throw new CliError(parsed.error.issues.map((issue) => issue.message).join('; '), ExitCode.badInput);
  const flags = parsed.data;
  const env = io.env;
  // One connection at a time, said before anything starts (a simulator, a sign-in).
  const kinds = [
    (flags.simulate || flags['simulate-reset']) && '--simulate',
    flags.proxy && '--proxy',
    (flags['graph-url'] || flags.tenant || flags['client-id'] || flags['device-code']) &&
      'a tenant (--tenant, --graph-url …)',
  ].filter(Boolean);
  if (kinds.length > 1)
    throw new CliError(
      `give one connection, not ${kinds.join(' and ')}\n\n${connectionUsage}`,
      ExitCode.badInput,
    );

  if (flags.simulate || flags['simulate-reset']) {
    const [{ startSimulator }, kept] = await Promise.all([
      import('@ondemand/simulator'),
      import('./simulated-tenant.js'),
    ]);
    const stateFile = kept.simulatedTenantFile(env);
    if (stateFile && flags['simulate-reset']) await kept.forgetSimulatedTenant(stateFile);
    const seed = stateFile ? await kept.loadSimulatedTenant(stateFile, io) : undefined;
    const simulator = await startSimulator({
      timeScale: flags['sim-time-scale'] ?? 1,
      ...(seed ? { seed } : {}),
    });
    // What this run started from: its changes are what differs from it when it saves.
    const startedFrom = simulator.context.tenant.snapshot();
    const graph = createGraphClient({
      baseUrl: simulator.url,
      ca: simulator.caPem,
      tenantId: simulator.tenantId,
      clientId: simulator.clientId,
      clientSecret: simulator.clientSecret,
      rateLimit: flags['rate-limit'] ?? {
        limit: PROVISION_ON_DEMAND_LIMIT.limit,
        windowMs: PROVISION_ON_DEMAND_LIMIT.windowMs / (flags['sim-time-scale'] ?? 1),
      },
      ...(flags['rate-limit-scope'] ? { rateLimitScope: flags['rate-limit-scope'] } : {}),
      env: {},
    });
    return {
      graph,
      kind: 'simulator',
      simulator,
      description: `simulator (embedded) · tenant ${simulator.tenantId} · ${simulator.url}`,
      close: once(async () => {
        await graph.close();
        // What this run provisioned is there for the next one.
        if (stateFile)
          await kept.saveSimulatedTenant(stateFile, startedFrom, simulator.context.tenant.snapshot());
        await simulator.stop();
      }),
    };
  }

  const ca = flags.ca ? await readFlagFile(flags.ca, 'CA') : undefined;
  const proxyUrl = flags.proxy ?? env.ONDEMAND_PROXY_URL;
  if (proxyUrl) {
    const apiKey = await readApiKey(flags, io);
    const graph = createGraphClient({ baseUrl: proxyUrl, apiKey, ...(ca ? { ca } : {}), env: {} });
    const proxy = createProxyClient({ baseUrl: proxyUrl, apiKey, ...(ca ? { ca } : {}) });
    return {
      graph,
      proxy,
      kind: 'proxy',
      description: `proxy · ${proxyUrl}`,
      close: once(async () => {
        await Promise.all([graph.close(), proxy.close()]);
      }),
    };
  }

  const graphUrl = flags['graph-url'] ?? env.ONDEMAND_GRAPH_URL;
  const tenantId = flags.tenant ?? env.AZURE_TENANT_ID;
  const certificate = flags.certificate ? await readFlagFile(flags.certificate, 'certificate') : undefined;
  const clientSecret = await readSecret(
    {
      what: 'client secret',
      flag: '--client-secret',
      value: flags['client-secret'],
      fileFlag: '--client-secret-file',
      file: flags['client-secret-file'],
      envName: 'AZURE_CLIENT_SECRET',
    },
    io,
  );
  const options: GraphClientOptions = {
    ...(flags['rate-limit'] ? { rateLimit: flags['rate-limit'] } : {}),
    ...(flags['rate-limit-scope'] ? { rateLimitScope: flags['rate-limit-scope'] } : {}),
    ...(graphUrl ? { baseUrl: graphUrl } : {}),
    ...(flags['login-url'] ? { loginUrl: flags['login-url'] } : {}),
    ...(flags.cloud ? { cloud: flags.cloud as CloudName } : {}),
    ...(ca ? { ca } : {}),
    ...(tenantId ? { tenantId } : {}),
    ...(flags['client-id'] ? { clientId: flags['client-id'] } : {}),
    ...(clientSecret ? { clientSecret } : {}),
    ...(certificate ? { certificate } : {}),
    ...(flags['device-code']
      ? { deviceCode: { onPrompt: onDeviceCode ?? ((prompt) => io.stderr.write(`${prompt.message}\n`)) } }
      : {}),
    env,
  };
  if (!graphUrl && !tenantId && !flags['client-id'] && !env.AZURE_CLIENT_ID) {
    throw new CliError(`not connected: say where to provision.\n\n${connectionUsage}`, ExitCode.authOrConfig);
  }
  const graph = createGraphClient(options);
  const where = graphUrl ?? `${flags.cloud ?? 'global'} cloud`;
  return {
    graph,
    kind: 'tenant',
    description: `tenant ${tenantId ?? '?'} · ${where}`,
    close: once(() => graph.close()),
  };
}

/** The flags of the commands that talk to the proxy's own API (approvals, audit). */
/** The flags that reach the proxy's own API: the connection table's, not written again. */
export const proxyConnectionOptions = {
  proxy: connectionFlags.options.proxy,
  'api-key': connectionFlags.options['api-key'],
  'api-key-file': connectionFlags.options['api-key-file'],
  ca: connectionFlags.options.ca,
};

export const proxyConnectionUsage = `Connection:
  --proxy URL                   the ondemand proxy (ONDEMAND_PROXY_URL stands in for it)
  KEY, safest first: ONDEMAND_API_KEY in the environment, --api-key-file FILE (- reads standard input),
  or --api-key KEY (any process can read it with ps, and your shell's history keeps it)
  --ca FILE                     trust this CA for the proxy's HTTPS (the file its ready line names as caFile)`;

/**
 * The proxy's own API (approvals, audit), from the flags or the environment; `graphReads()` makes a
 * Graph client through the same proxy with the same key, for the reads its allow-list passes (a held
 * request's job health and log entries, for its approver). Close it when done.
 */
export async function connectProxy(
  values: Record<string, unknown>,
  io: CliIo,
): Promise<ProxyClient & { graphReads(): GraphClient }> {
  const { createProxyClient, createGraphClient } = await import('@ondemand/transport');
  const flags = flagsSchema
    .pick({ proxy: true, 'api-key': true, 'api-key-file': true, ca: true })
    .safeParse(values);
  if (!flags.success)
    throw new CliError(flags.error.issues.map((issue) => issue.message).join('; '), ExitCode.badInput);
  const baseUrl = flags.data.proxy ?? io.env.ONDEMAND_PROXY_URL;
  if (!baseUrl)
    throw new CliError(
      `not connected: give --proxy URL (or ONDEMAND_PROXY_URL)\n\n${proxyConnectionUsage}`,
      ExitCode.authOrConfig,
    );
  const apiKey = await readApiKey(flags.data, io);
  const ca = flags.data.ca ? await readFlagFile(flags.data.ca, 'CA') : undefined;
  return Object.assign(createProxyClient({ baseUrl, apiKey, ...(ca ? { ca } : {}) }), {
    graphReads: () => createGraphClient({ baseUrl, apiKey, ...(ca ? { ca } : {}), env: {} }),
  });
}

/** The proxy's API key, from the flag, its file or the environment; none is a config error. */
async function readApiKey(
  flags: { 'api-key'?: string | undefined; 'api-key-file'?: string | undefined },
  io: CliIo,
): Promise<string> {
  const apiKey = await readSecret(
    {
      what: 'API key',
      flag: '--api-key',
      value: flags['api-key'],
      fileFlag: '--api-key-file',
      file: flags['api-key-file'],
      envName: 'ONDEMAND_API_KEY',
    },
    io,
  );
  if (!apiKey)
    throw new CliError(
      'the proxy needs an API key: set ONDEMAND_API_KEY, or give --api-key-file FILE (or --api-key)',
      ExitCode.authOrConfig,
    );
  return apiKey;
}

/** A file a connection flag names (the CA, the certificate): unreadable is a config error. */
async function readFlagFile(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new CliError(
      `cannot read the ${what} file ${path}: ${(error as NodeJS.ErrnoException).code}`,
      ExitCode.authOrConfig,
      { cause: error },
    );
  }
}

/** Closing twice (q, then the UI unmounting) must be harmless. */
function once(close: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => {
    closing ??= close();
    return closing;
  };
}
