import { closeSync, openSync } from 'node:fs';
import { startReadyProcess } from '@ondemand/test-utils';

/** One `ondemand-proxy` replica in its own process, on a fixed port so a restart keeps its URL. */
export class Replica {
  #process: Awaited<ReturnType<typeof startReadyProcess>> | undefined;

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
    return this.#process?.alive() ?? false;
  }

  /** Starts the process and waits for its ready line; its log lines go to `logFile`. */
  async start(): Promise<void> {
    const log = openSync(this.logFile, 'a');
    try {
      this.#process = await startReadyProcess(
        ['apps/proxy/dist/cli.js', '--config', this.configFile, '--port', String(this.port)],
        { ...this.env, ONDEMAND_REPLICA_ID: this.id },
        { stderr: log },
      );
    } catch (error) {
      throw new Error(`replica ${this.id} did not start; see ${this.logFile}`, { cause: error });
    } finally {
      // The child holds its own copy of the descriptor.
      closeSync(log);
    }
  }

  /** SIGKILL: no shutdown, no flushing; what was acknowledged must already be durable. */
  kill(): Promise<void> {
    return this.#process?.stop('SIGKILL') ?? Promise.resolve();
  }

  /** SIGTERM: the graceful stop (finishes in-flight calls and approved runs). */
  stop(): Promise<void> {
    return this.#process?.stop() ?? Promise.resolve();
  }
}
