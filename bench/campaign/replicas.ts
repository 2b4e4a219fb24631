import { closeSync, openSync, readFileSync } from 'node:fs';
import { freePort, startReadyProcess } from '@ondemand/test-utils';

/** One `ondemand-proxy` replica in its own process, on a fixed port so a restart keeps its URL. */
export class Replica {
  #process: Awaited<ReturnType<typeof startReadyProcess>> | undefined;
  #started = false;

  constructor(
    readonly id: string,
    public port: number,
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

  /**
   * Starts the process and waits for its ready line; its log lines go to `logFile`. A free port is
   * picked before the process binds it, so another campaign on this machine may take it first: the
   * first start then tries another port (a restart keeps its port, and tries it again a few times).
   */
  async start(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const log = openSync(this.logFile, 'a');
      try {
        this.#process = await startReadyProcess(
          ['apps/proxy/dist/cli.js', '--config', this.configFile, '--port', String(this.port)],
          { ...this.env, ONDEMAND_REPLICA_ID: this.id },
          { stderr: log },
        );
        this.#started = true;
        return;
      } catch (error) {
        const taken = /EADDRINUSE|port is in use/.test(readFileSync(this.logFile, 'utf8').slice(-4_000));
        if (!taken || attempt >= 5)
          throw new Error(`replica ${this.id} did not start; see ${this.logFile}`, { cause: error });
        if (this.#started) await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
        else this.port = await freePort();
      } finally {
        // The child holds its own copy of the descriptor.
        closeSync(log);
      }
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
