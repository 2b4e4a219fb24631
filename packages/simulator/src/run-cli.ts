import { parseArgs } from 'node:util';
import { z } from 'zod';
import { loadSeedFile, SeedError } from './seed/load-seed.js';
import { startSimulator } from './server.js';

const usage = `Usage: ondemand-sim [--port N] [--host H] [--time-scale K] [--seed FILE] [--http]

Runs a local Microsoft Graph twin for provisionOnDemand: Entra ID's token endpoint (client
secret, certificate, device code), the Graph calls ondemand makes, and a synchronization engine.
When ready it prints one JSON line on stdout: {"url","caFile","tenantId","clientId","clientSecret","controlToken"}.
Logs go to stderr.

Options:
  --port N          port to listen on (default 0: any free port)
  --host H          address to listen on (default 127.0.0.1)
  --time-scale K    run Graph's rate windows K times faster (10: the 10 s window lasts 1 s)
  --seed FILE       the tenant to serve (JSON; default: the demo tenant)
  --http            plain HTTP instead of HTTPS (MSAL needs HTTPS)
  -h, --help        show this help

Example:
  ondemand-sim --port 8443 --time-scale 10
  curl --cacert CAFILE https://127.0.0.1:8443/<tenantId>/oauth2/v2.0/token -d grant_type=client_credentials …`;

const optionsSchema = z.object({
  port: z.coerce
    .number({ error: '--port must be a number' })
    .int()
    .min(0, '--port must be 0 to 65535')
    .max(65_535, '--port must be 0 to 65535')
    .default(0),
  host: z.string().default('127.0.0.1'),
  'time-scale': z.coerce
    .number({ error: '--time-scale must be a number' })
    .positive('--time-scale must be greater than 0')
    .default(1),
  seed: z.string().optional(),
  http: z.boolean().default(false),
  help: z.boolean().default(false),
});

/** Where the command reads and writes: the process's own, or streams in a test. */
export interface SimulatorCliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** Resolves when the simulator should stop (SIGINT, SIGTERM or SIGHUP for the real process). */
  untilStopped: () => Promise<void>;
}

/** Runs `ondemand-sim` and returns its exit code; a user's mistake prints one line, never a stack. */
export async function runSimulatorCli(argv: string[], io: SimulatorCliIo): Promise<number> {
  let values: unknown;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'time-scale': { type: 'string' },
        seed: { type: 'string' },
        http: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    io.stderr.write(`ondemand-sim: ${(error as Error).message}\n\n${usage}\n`);
    return 2;
  }
  const parsed = optionsSchema.safeParse(values);
  if (!parsed.success) {
    io.stderr.write(
      `ondemand-sim: ${parsed.error.issues.map((issue) => issue.message).join('; ')}\n\n${usage}\n`,
    );
    return 2;
  }
  const options = parsed.data;
  if (options.help) {
    io.stdout.write(`${usage}\n`);
    return 0;
  }
  let seed: Awaited<ReturnType<typeof loadSeedFile>> | undefined;
  try {
    seed = options.seed ? await loadSeedFile(options.seed) : undefined;
  } catch (error) {
    if (error instanceof SeedError) {
      io.stderr.write(`ondemand-sim: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  try {
    sim = await startSimulator({
      port: options.port,
      host: options.host,
      timeScale: options['time-scale'],
      http: options.http,
      ...(seed ? { seed } : {}),
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'EADDRINUSE'
        ? `port ${options.port} is in use: pick another or use --port 0`
        : code === 'EACCES'
          ? `not allowed to listen on port ${options.port}`
          : (error as Error).message;
    io.stderr.write(`ondemand-sim: cannot start: ${reason}\n`);
    return 3;
  }
  // Listening for the stop before saying ready: a supervisor may send it the moment it reads the line.
  const stopped = io.untilStopped();
  io.stdout.write(`${JSON.stringify(sim.readyInfo())}\n`);
  io.stderr.write(
    `ondemand-sim: serving tenant ${sim.tenantId} at ${sim.url}${options['time-scale'] === 1 ? '' : ` (time ×${options['time-scale']})`}\n`,
  );
  await stopped;
  await sim.stop();
  io.stderr.write('ondemand-sim: stopped\n');
  return 0;
}
