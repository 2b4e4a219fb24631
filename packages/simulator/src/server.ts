import { rmSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { createSimulatorApp } from './http/simulator-app.js';
import { SimulatorContext } from './http/simulator-context.js';
import { demoSeed } from './seed/load-seed.js';
import { newSecret } from './seed/new-secret.js';
import type { Seed } from './seed/seed-schema.js';
import { createServerCertificates, type ServerCertificates } from './tls/certificates.js';

export interface StartSimulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** Plain HTTP instead of HTTPS (MSAL refuses it; curl and SDK tests may want it). */
  http?: boolean;
  /** 10 makes Graph's 10-second window last one second. */
  timeScale?: number;
  /** The tenant; the demo tenant when absent. */
  seed?: Seed;
  /** Certificates to serve; made fresh when absent. */
  certificates?: ServerCertificates;
  controlToken?: string;
}

/** The one JSON line `ondemand-sim` prints when ready. */
export interface SimulatorReadyLine {
  url: string;
  caFile: string | null;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  controlToken: string;
}

/** A running simulator: where it is, how to trust it, the demo credentials, and how to stop it. */
export interface RunningSimulator {
  url: string;
  /** The CA file to trust (HTTPS only). */
  caFile: string | undefined;
  caPem: string | undefined;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  controlToken: string;
  context: SimulatorContext;
  /** The ready line's content, as `ondemand-sim` prints it. */
  readyInfo(): SimulatorReadyLine;
  stop(): Promise<void>;
}

/**
 * The CA folders of the simulators running in this process. A process that ends without `stop()`
 * (a signal it exits on, `process.exit`) still removes them: one listener for all of them.
 */
const liveFolders = new Set<string>();
process.on('exit', () => {
  for (const folder of liveFolders) rmSync(folder, { recursive: true, force: true });
});

/**
 * Starts the simulator on loopback, HTTPS by default with a CA made for this start.
 *
 * @example
 * const sim = await startSimulator({ timeScale: 10 });
 * // point a Graph client at `${sim.url}/v1.0`, trust sim.caFile, sign in with sim.clientId / sim.clientSecret
 * await sim.stop();
 */
export async function startSimulator(options: StartSimulatorOptions = {}): Promise<RunningSimulator> {
  const seed = options.seed ?? demoSeed();
  const controlToken = options.controlToken ?? newSecret();
  const context = await SimulatorContext.create({ seed, timeScale: options.timeScale ?? 1, controlToken });
  const app = createSimulatorApp(context);
  const host = options.host ?? '127.0.0.1';

  let caFile: string | undefined;
  let caDir: string | undefined;
  let certificates: ServerCertificates | undefined;
  if (!options.http) {
    certificates = options.certificates ?? (await createServerCertificates());
    caDir = await mkdtemp(join(tmpdir(), 'ondemand-sim-'));
    liveFolders.add(caDir);
    caFile = join(caDir, 'ca.pem');
    await writeFile(caFile, certificates.caPem);
  }

  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const started = serve(
      {
        fetch: app.fetch,
        port: options.port ?? 0,
        hostname: host,
        ...(certificates
          ? {
              createServer: createHttpsServer,
              serverOptions: { key: certificates.keyPem, cert: certificates.certPem },
            }
          : {}),
      },
      () => resolve(started),
    );
    started.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const url = `${certificates ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const demoClient = seed.clients[0]!;
  const info = {
    url,
    caFile: caFile ?? null,
    tenantId: seed.tenantId,
    clientId: demoClient.clientId,
    clientSecret: demoClient.secret ?? '',
    controlToken,
  };

  return {
    ...info,
    caFile,
    caPem: certificates?.caPem,
    context,
    readyInfo: () => info,
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      if (caDir) {
        await rm(caDir, { recursive: true, force: true });
        liveFolders.delete(caDir);
      }
    },
  };
}
