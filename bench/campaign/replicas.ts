import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { openSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { repoRoot } from '@ondemand/test-utils';

/** One `ondemand-proxy` replica in its own process, on a fixed port so a restart keeps its URL. */
export class Replica {
  #child: ChildProcess | undefined;

  constructor(
    readonly id: string,
    readonly port: number,
    private readonly configFile: string,
    private readonly env: Record<string, string>,
    private readonly logFile: string,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get alive(): boolean {
    return this.#child !== undefined && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** Starts the process and waits for its ready line; its log lines go to `logFile`. */
  async start(): Promise<void> {
    const log = openSync(this.logFile, 'a');
    const child = spawn(
      process.execPath,
      ['apps/proxy/dist/cli.js', '--config', this.configFile, '--port', String(this.port)],
      {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', log],
        env: { ...process.env, ...this.env, ONDEMAND_REPLICA_ID: this.id },
      },
    );
    this.#child = child;
    await new Promise<void>((resolve, reject) => {
      child.once('exit', (code) =>
        reject(new Error(`replica ${this.id} exited with ${code} before it was ready; see ${this.logFile}`)),
      );
      createInterface({ input: child.stdout! }).once('line', () => resolve());
    });
  }

  /** SIGKILL: no shutdown, no flushing; what was acknowledged must already be durable. */
  async kill(): Promise<void> {
    if (!this.alive) return;
    const exited = once(this.#child!, 'exit');
    this.#child!.kill('SIGKILL');
    await exited;
  }

  /** SIGTERM: the graceful stop (finishes in-flight calls and approved runs). */
  async stop(): Promise<void> {
    if (!this.alive) return;
    const exited = once(this.#child!, 'exit');
    this.#child!.kill('SIGTERM');
    await exited;
  }
}
