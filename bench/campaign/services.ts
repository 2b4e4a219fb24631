import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

/**
 * Restarts the machine's PostgreSQL cluster (the campaign's "PostgreSQL restarted" fault). Needs
 * root and Debian's pg_ctlcluster, as on the CI machine; anything else fails loudly.
 */
export function restartPostgres(): void {
  const [version] = readdirSync('/etc/postgresql');
  if (!version)
    throw new Error(
      'no PostgreSQL cluster under /etc/postgresql: the campaign needs the machine’s PostgreSQL',
    );
  execFileSync(
    'pg_ctlcluster',
    ['--skip-systemctl-redirect', version, 'main', 'restart', '--', '-m', 'fast'],
    {
      stdio: 'inherit',
    },
  );
}

/** Waits until PostgreSQL accepts connections again. */
export async function untilPostgresAnswers(timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      execFileSync('pg_isready', ['-q', '-h', '127.0.0.1', '-p', '5432']);
      return;
    } catch (error) {
      if (Date.now() > deadline)
        throw new Error('PostgreSQL did not come back after its restart', { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
