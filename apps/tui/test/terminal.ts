import { execFileSync } from 'node:child_process';
import { until } from '@ondemand/test-utils';
import { tempDir } from '@ondemand/test-utils/temp-dir';

/**
 * A real terminal for end-to-end runs: a detached tmux session of a given size running a command.
 * Keys go in with send-keys; the screen comes out with capture-pane, as a user would see it.
 */
export class Terminal {
  private constructor(readonly name: string) {}

  static start(
    command: string,
    options: { width?: number; height?: number; env?: Record<string, string> } = {},
  ): Terminal {
    const name = `ondemand-e2e-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    // Each terminal its own cache: --simulate keeps its tenant there, and a test starts from the demo.
    const cache = tempDir('ondemand-e2e-cache-');
    const env = Object.entries({ XDG_CACHE_HOME: cache, ...options.env })
      .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
      .join(' ');
    // The shell stays after the command so its exit code can be read from the screen. CI is unset:
    // Ink draws only its last frame when it believes it runs in CI, and this is a terminal.
    const args = [
      'new-session',
      '-d',
      '-s',
      name,
      '-x',
      String(options.width ?? 80),
      '-y',
      String(options.height ?? 24),
      `env -u CI -u CONTINUOUS_INTEGRATION ${env} ${command}; echo "[exited $?]"; sleep 60`,
    ];
    try {
      execFileSync('tmux', args, { stdio: 'pipe' });
    } catch (error) {
      // tmux's server exits with its last session; a new session asked for at that moment is told
      // "server exited unexpectedly" and nothing was started: asking again starts a new server.
      if (!String((error as { stderr?: unknown }).stderr).includes('server exited unexpectedly')) throw error;
      execFileSync('tmux', args, { stdio: 'pipe' });
    }
    return new Terminal(name);
  }

  screen(): string {
    return execFileSync('tmux', ['capture-pane', '-p', '-t', this.name], { encoding: 'utf8' });
  }

  keys(...keys: string[]): void {
    execFileSync('tmux', ['send-keys', '-t', this.name, ...keys]);
  }

  type(text: string): void {
    execFileSync('tmux', ['send-keys', '-t', this.name, '-l', text]);
  }

  /** Waits until the screen matches, or fails with what the screen shows. */
  waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<string> {
    return until(
      `the terminal shows ${pattern}`,
      () => {
        const shown = this.screen();
        return pattern.test(shown) && shown;
      },
      timeoutMs,
      { everyMs: 100, shows: () => this.screen() },
    );
  }

  /** Sends a signal to the command the terminal runs (the shell's child), as the system would. */
  signal(signal: NodeJS.Signals): void {
    const shell = execFileSync('tmux', ['list-panes', '-t', this.name, '-F', '#{pane_pid}'], {
      encoding: 'utf8',
    });
    const command = execFileSync('pgrep', ['-P', shell.trim()], { encoding: 'utf8' }).trim().split('\n')[0]!;
    process.kill(Number(command), signal);
  }

  close(): void {
    try {
      // Quietly: tmux's "no server running" for a session already gone is not test output.
      execFileSync('tmux', ['kill-session', '-t', this.name], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  }
}
