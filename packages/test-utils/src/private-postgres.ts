import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './services.js';
import { until } from './until.js';

/**
 * A PostgreSQL server of the test's own: `initdb` into a temporary directory, on a free port, trust
 * auth, listening on loopback only. For tests that stop and restart PostgreSQL: the machine's server
 * (which other work shares) is never touched. PostgreSQL refuses to run as root, so under root its
 * programs run as the `postgres` user. `stop()` removes everything it made.
 */
export async function startPrivatePostgres(): Promise<{
  url: string;
  restart: () => Promise<void>;
  stop: () => Promise<void>;
}> {
  const bin = postgresBin();
  const dir = mkdtempSync(join(tmpdir(), 'ondemand-pg-'));
  const data = join(dir, 'data');
  const asOwner = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
  if (asOwner.length > 0) chownSync(dir, ...postgresIds());
  const run = (program: string, args: string[]) => {
    const [command, ...rest] = [...asOwner, join(bin, program), ...args];
    return execFileSync(command!, rest, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  };
  const port = await freePort();
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const pgCtl = (...args: string[]) => run('pg_ctl', ['-D', data, '-l', join(dir, 'log'), ...args]);
  const answers = () => {
    try {
      execFileSync(join(bin, 'pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(port)]);
      return true;
    } catch {
      return false;
    }
  };
  pgCtl('-o', options, '-w', 'start');
  await until('the private PostgreSQL answers', answers, 30_000);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    restart: async () => {
      pgCtl('-o', options, '-m', 'fast', '-w', 'restart');
      await until('the private PostgreSQL answers again', answers, 30_000);
    },
    stop: async () => {
      try {
        pgCtl('-m', 'immediate', '-w', 'stop');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** The directory of this machine's PostgreSQL programs (Debian keeps them per version). */
function postgresBin(): string {
  const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) throw new Error('no PostgreSQL under /usr/lib/postgresql: install postgresql');
  return join('/usr/lib/postgresql', versions[0]!, 'bin');
}

/** The `postgres` user's uid and gid, who owns the data directory when tests run as root. */
function postgresIds(): [number, number] {
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return [id('-u'), id('-g')];
}
