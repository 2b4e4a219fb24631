import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { OfflineVerifyError, verifyOffline } from '@ondemand/audit-log';
import { type ChainVerdict, describeVerdict } from '@ondemand/core';
import { CONSOLE_CLIENT_ID } from '@ondemand/simulator/seed-ids';
import { startProxy } from './app/server.js';
import { AuditLogBehindWitness } from './audit/witness-guard.js';
import { ConfigFileError, loadConfigFile, parseConfig, withEnvironment } from './config/load-config.js';
import { BackendUnavailable, StartupInputMissing } from './config/startup-inputs.js';

export const usage = `Usage: ondemand-proxy [--config FILE] [--simulate] [--port N]
       ondemand-proxy audit verify (--database FILE | --store postgres://…) [--public-key PEM] [--witness FILE]

Serves Graph's provisionOnDemand path behind API keys, a policy, second-person approval and a
hash-chained, signed audit log. When ready it prints one JSON line: {"url","database"} (and with
--simulate the CA to trust for it, the demo API keys per role, the simulator's URL, CA file and
control token, and the audit log's public key and witness file).

Options:
  --config FILE     JSON or YAML config (see the README); the Graph secret comes from the environment
  --simulate        an embedded simulator, a demo policy and demo keys; no config needed
  --port N          override the config's port (0: any free port)
  --database FILE   with --simulate, where to keep the SQLite file (default: a temp folder)

  audit verify      checks the audit log offline and read-only; names every entry altered, removed or
                    reordered, a cut-off end and a rollback; exit 0 intact, 1 not, 2 bad input, 3 unreachable
    --database FILE       the SQLite file, or
    --store URL           the PostgreSQL store of several replicas (--schema NAME, default ondemand)
    --public-key PEM      the audit signing key's public half: checks the signed checkpoints
    --witness FILE        a witness file (one per replica; repeat the flag): catches an end cut off
                          with its checkpoints, and rollbacks

Environment: ONDEMAND_STORE (postgres://…), ONDEMAND_STORE_SCHEMA, ONDEMAND_LIMITER (redis://…),
ONDEMAND_LIMITER_FALLBACK (fail|local), ONDEMAND_REPLICA_ID override the config file's keys.`;

/** Where the command reads and writes: the process's own, or streams in a test. */
export interface ProxyCliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: Record<string, string | undefined>;
  /** Resolves when the proxy should stop (SIGINT, SIGTERM or SIGHUP for the real process). */
  untilStopped: () => Promise<void>;
}

/** Runs `ondemand-proxy` and returns its exit code; a user's mistake prints one line, never a stack. */
export async function runProxyCli(argv: string[], io: ProxyCliIo): Promise<number> {
  let values: Record<string, string | boolean | string[] | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      options: {
        config: { type: 'string' },
        simulate: { type: 'boolean' },
        port: { type: 'string' },
        database: { type: 'string' },
        store: { type: 'string' },
        schema: { type: 'string' },
        'public-key': { type: 'string' },
        witness: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
    }));
  } catch (error) {
    io.stderr.write(`ondemand-proxy: ${(error as Error).message}\n\n${usage}\n`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(`${usage}\n`);
    return 0;
  }
  if (positionals[0] === 'audit') return auditVerify(positionals, values, io);
  if (positionals.length > 0) {
    io.stderr.write(`ondemand-proxy: unexpected "${positionals[0]}"\n\n${usage}\n`);
    return 2;
  }
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65_535)) {
    io.stderr.write('ondemand-proxy: --port must be a whole number from 0 to 65535\n');
    return 2;
  }
  try {
    if (values.simulate)
      return await simulate(io, port, typeof values.database === 'string' ? values.database : undefined);
    if (typeof values.config !== 'string') {
      io.stderr.write(`ondemand-proxy: give --config FILE, or --simulate to try it\n\n${usage}\n`);
      return 2;
    }
    const config = await loadConfigFile(values.config, io.env);
    const proxy = await startProxy({
      config: port === undefined ? config : { ...config, port },
      env: io.env,
    });
    // Listening for the stop before saying ready: a supervisor may send it the moment it reads the line.
    const stopped = io.untilStopped();
    io.stdout.write(`${JSON.stringify({ url: proxy.url, database: proxy.database })}\n`);
    await stopped;
    await proxy.stop();
    return 0;
  } catch (error) {
    if (error instanceof ConfigFileError) {
      io.stderr.write(`ondemand-proxy: ${error.message}\n`);
      return 2;
    }
    if (
      error instanceof BackendUnavailable ||
      error instanceof AuditLogBehindWitness ||
      error instanceof StartupInputMissing
    ) {
      io.stderr.write(`ondemand-proxy: ${error.message}\n`);
      return 3;
    }
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      io.stderr.write('ondemand-proxy: the port is in use: pick another with --port\n');
      return 3;
    }
    throw error;
  }
}

/** The demo: a simulator of its own, a demo policy and keys, and a fresh audit key pair and witness file. */
async function simulate(
  io: ProxyCliIo,
  port: number | undefined,
  database: string | undefined,
): Promise<number> {
  // Loaded here only: a production proxy never loads the simulator (certificates, polyfills).
  const [{ startSimulator, createServerCertificates }, { demoConfig }] = await Promise.all([
    import('@ondemand/simulator'),
    import('./config/demo.js'),
  ]);
  const sim = await startSimulator();
  // The demo's files (the database, the audit key pair, the witness) stay after a stop, for
  // `audit verify`: beside the --database given, or in a temporary folder of their own.
  const dir = database ? dirname(database) : await mkdtemp(join(tmpdir(), 'ondemand-proxy-'));
  const keys = generateKeyPairSync('ed25519');
  const signingKeyFile = join(dir, 'audit-signing-key.pem');
  const auditPublicKey = join(dir, 'audit-public-key.pem');
  await writeFile(signingKeyFile, keys.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  await writeFile(auditPublicKey, keys.publicKey.export({ type: 'spki', format: 'pem' }));
  const auditWitness = join(dir, 'audit-witness.ndjson');
  // HTTPS, as in production: a CA and a certificate of its own for 127.0.0.1, ::1 and localhost.
  const certificates = await createServerCertificates();
  const caFile = join(dir, 'proxy-ca.pem');
  const tls = { certificateFile: join(dir, 'proxy-cert.pem'), keyFile: join(dir, 'proxy-key.pem') };
  await writeFile(caFile, certificates.caPem);
  await writeFile(tls.certificateFile, certificates.certPem);
  await writeFile(tls.keyFile, certificates.keyPem, { mode: 0o600 });
  const demo = demoConfig(
    { baseUrl: sim.url, tenantId: sim.tenantId, clientId: sim.clientId },
    database ?? join(dir, 'proxy.sqlite'),
    tls,
  );
  const config = parseConfig(
    withEnvironment(
      {
        ...demo.config,
        port: port ?? 0,
        audit: { signingKeyFile, witnessFile: auditWitness, checkpointEvery: { entries: 100, seconds: 10 } },
        // The console signs people in with the simulator's Entra ID (its demo people and their roles).
        console: {
          oidc: {
            authority: `${sim.url}/${sim.tenantId}/v2.0`,
            clientId: CONSOLE_CLIENT_ID,
            ...(sim.caFile ? { caFile: sim.caFile } : {}),
          },
        },
      },
      io.env,
    ),
    'the demo config',
  );
  const consoleSecret = sim.context.tenant.seed.clients.find(
    (client) => client.clientId === CONSOLE_CLIENT_ID,
  )?.secret;
  const proxy = await startProxy({
    config,
    ca: sim.caPem!,
    env: { AZURE_CLIENT_SECRET: sim.clientSecret, ONDEMAND_CONSOLE_SECRET: consoleSecret },
  });
  const stopped = io.untilStopped();
  io.stdout.write(
    `${JSON.stringify({
      url: proxy.url,
      console: `${proxy.url}/console/`,
      caFile,
      database: proxy.database,
      keys: demo.keys,
      simulator: sim.url,
      simulatorCaFile: sim.caFile,
      simulatorControlToken: sim.controlToken,
      auditPublicKey,
      auditWitness,
    })}\n`,
  );
  await stopped;
  await proxy.stop();
  await sim.stop();
  // Kept on purpose, for `audit verify` after the stop: said, with how to remove them.
  io.stderr.write(
    `ondemand-proxy: stopped; the demo's files (database, audit keys and witness, CA) stay in ${dir} for "ondemand-proxy audit verify"; rm -r ${dir} removes them\n`,
  );
  return 0;
}

async function auditVerify(
  positionals: string[],
  values: Record<string, string | boolean | string[] | undefined>,
  io: ProxyCliIo,
): Promise<number> {
  const text = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  const storeUrl = text('store') ?? io.env.ONDEMAND_STORE;
  const database = text('database');
  if (positionals[1] !== 'verify' || positionals.length > 2 || (!database && !storeUrl)) {
    io.stderr.write(
      'ondemand-proxy: say "audit verify --database FILE" or "audit verify --store postgres://…"\n',
    );
    return 2;
  }
  let verdict: ChainVerdict;
  try {
    verdict = await verifyOffline({
      database,
      storeUrl,
      schema: text('schema') ?? io.env.ONDEMAND_STORE_SCHEMA,
      publicKeyFile: text('public-key'),
      witnessFiles: (values.witness as string[] | undefined) ?? [],
    });
  } catch (error) {
    if (!(error instanceof OfflineVerifyError)) throw error;
    io.stderr.write(`ondemand-proxy: ${error.message}\n`);
    return error.kind === 'input' ? 2 : 3;
  }
  io.stdout.write(`${JSON.stringify(verdict)}\n`);
  io.stderr.write(describeVerdict(verdict));
  return verdict.valid ? 0 : 1;
}
