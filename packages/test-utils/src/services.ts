import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';

/**
 * The machine's PostgreSQL and Redis (the README's "Developing" section; .ci/run starts them). Tests that need them connect and fail
 * loudly when they do not answer: they never skip. Set these variables to point elsewhere.
 */
export const testPostgresUrl =
  process.env.ONDEMAND_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';
export const testRedisUrl = process.env.ONDEMAND_TEST_REDIS ?? 'redis://127.0.0.1:6379';

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * A Redis server of the test's own (the machine's `redis-server` on a free port, keeping nothing on
 * disk), for tests that stop and restart Redis without disturbing anyone else's.
 */
export async function startPrivateRedis(): Promise<{
  url: string;
  stop: () => Promise<void>;
  start: () => Promise<void>;
}> {
  const port = await freePort();
  let child: ReturnType<typeof spawn> | undefined;
  const start = async () => {
    child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    await new Promise<void>((resolve, reject) => {
      child!.once('exit', (code) =>
        reject(new Error(`redis-server exited with ${code} before it was ready`)),
      );
      // The line may arrive split across chunks: look at what has come so far.
      let printed = '';
      child!.stdout!.on('data', (chunk: Buffer) => {
        printed += chunk.toString();
        if (printed.includes('Ready to accept connections')) resolve();
      });
    });
  };
  const stop = async () => {
    if (!child || child.exitCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, stop, start };
}
