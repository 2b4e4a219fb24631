#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { verifyChain } from './audit/hash-chain.js';
import { demoConfig } from './demo.js';
import { ConfigFileError, loadConfigFile, parseConfig, withEnvironment } from './load-config.js';
import { BackendUnavailable, startProxy } from './server.js';
import { PostgresStore } from './store/postgres-store.js';
import { SqliteStore } from './store/sqlite-store.js';

const usage = `Usage: ondemand-proxy [--config FILE] [--simulate] [--port N]
       ondemand-proxy audit verify --database FILE

Serves Graph's provisionOnDemand path behind API keys, a policy, second-person approval and a
hash-chained audit log. When ready it prints one JSON line: {"url","database"} (and with --simulate
the demo API keys per role and the simulator's URL).

Options:
  --config FILE     JSON or YAML config (see the README); the Graph secret comes from the environment
  --simulate        an embedded simulator, a demo policy and demo keys; no config needed
  --port N          override the config's port (0: any free port)
  --database FILE   with --simulate, where to keep the SQLite file (default: a temp folder)

  audit verify --database FILE   checks the audit log's hash chain offline; names the first entry
                                 that was altered, removed or reordered; exit 0 valid, 1 not
  audit verify --store postgres://… [--schema NAME]
                                 the same for the PostgreSQL store of several replicas

Environment: ONDEMAND_STORE (postgres://…), ONDEMAND_STORE_SCHEMA, ONDEMAND_LIMITER (redis://…),
ONDEMAND_LIMITER_FALLBACK (fail|local), ONDEMAND_REPLICA_ID override the config file's keys.`;

async function main(argv: string[]): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
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
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`ondemand-proxy: ${(error as Error).message}\n\n${usage}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  if (positionals[0] === 'audit') {
    const storeUrl = typeof values.store === 'string' ? values.store : process.env.ONDEMAND_STORE;
    if (positionals[1] !== 'verify' || (typeof values.database !== 'string' && !storeUrl)) {
      process.stderr.write(
        `ondemand-proxy: say "audit verify --database FILE" or "audit verify --store postgres://…"\n\n${usage}\n`,
      );
      return 2;
    }
    if (typeof values.database === 'string' && !existsSync(values.database)) {
      process.stderr.write(`ondemand-proxy: there is no database file ${values.database}\n`);
      return 2;
    }
    let store: SqliteStore | PostgresStore;
    try {
      store =
        typeof values.database === 'string'
          ? new SqliteStore(values.database)
          : await PostgresStore.open({
              url: storeUrl!,
              // Unset: the store's default schema, as the proxy uses.
              schema: typeof values.schema === 'string' ? values.schema : process.env.ONDEMAND_STORE_SCHEMA,
              existing: true,
            });
    } catch (error) {
      process.stderr.write(`ondemand-proxy: ${(error as Error).message}\n`);
      return 3;
    }
    const { entries, head } = await store.readChain();
    const verdict = verifyChain(entries, head);
    await store.close();
    process.stdout.write(`${JSON.stringify(verdict)}\n`);
    process.stderr.write(
      verdict.valid
        ? `the audit log is intact: ${verdict.entries} entries\n`
        : `the audit log was tampered with: ${verdict.message}\n`,
    );
    return verdict.valid ? 0 : 1;
  }
  if (positionals.length > 0) {
    process.stderr.write(`ondemand-proxy: unexpected "${positionals[0]}"\n\n${usage}\n`);
    return 2;
  }
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65_535)) {
    process.stderr.write('ondemand-proxy: --port must be a whole number from 0 to 65535\n');
    return 2;
  }
  try {
    if (values.simulate) {
      const { startSimulator } = await import('@ondemand/simulator');
      const sim = await startSimulator();
      const database =
        typeof values.database === 'string'
          ? values.database
          : join(await mkdtemp(join(tmpdir(), 'ondemand-proxy-')), 'proxy.sqlite');
      const demo = demoConfig({ baseUrl: sim.url, tenantId: sim.tenantId, clientId: sim.clientId }, database);
      const config = parseConfig(
        withEnvironment({ ...demo.config, port: port ?? 0 }, process.env),
        'the demo config',
      );
      const proxy = await startProxy({
        config,
        ca: sim.caPem!,
        env: { AZURE_CLIENT_SECRET: sim.clientSecret },
      });
      process.stdout.write(
        `${JSON.stringify({ url: proxy.url, database: proxy.database, keys: demo.keys, simulator: sim.url })}\n`,
      );
      await untilSignal();
      await proxy.stop();
      await sim.stop();
      return 0;
    }
    if (typeof values.config !== 'string') {
      process.stderr.write(`ondemand-proxy: give --config FILE, or --simulate to try it\n\n${usage}\n`);
      return 2;
    }
    const config = await loadConfigFile(values.config, process.env);
    const proxy = await startProxy({ config: port === undefined ? config : { ...config, port } });
    process.stdout.write(`${JSON.stringify({ url: proxy.url, database: proxy.database })}\n`);
    await untilSignal();
    await proxy.stop();
    return 0;
  } catch (error) {
    if (error instanceof ConfigFileError) {
      process.stderr.write(`ondemand-proxy: ${error.message}\n`);
      return 2;
    }
    if (error instanceof BackendUnavailable) {
      process.stderr.write(`ondemand-proxy: ${error.message}\n`);
      return 3;
    }
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      process.stderr.write(`ondemand-proxy: the port is in use: pick another with --port\n`);
      return 3;
    }
    throw error;
  }
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
  });
}

process.exitCode = await main(process.argv.slice(2));
