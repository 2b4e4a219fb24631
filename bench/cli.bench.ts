/**
 * `ondemand` start-up. Run: `pnpm bench` (from the root).
 * Time from launch to the interactive UI's first frame (in a pseudo-terminal, via `script`), and to
 * `ondemand explain` finishing on the large documented answer, next to `node -e 0` measured in the
 * same run: what the command adds to starting Node itself.
 */
import { spawn, spawnSync } from 'node:child_process';
import { repoRoot } from '@ondemand/test-utils';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const cli = `${repoRoot}apps/tui/dist/bin/cli.js`;
const fixture = `${repoRoot}fixtures/documented/2-cloud-sync-ad-user.json`;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function timeRun(args: string[]): number {
  const started = performance.now();
  const run = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'ignore'] });
  if (run.status !== 0) throw new Error(`node ${args.join(' ')} exited with ${run.status}`);
  return performance.now() - started;
}

/** Launch → the first frame the UI draws on a terminal (here: the connect menu, which needs no network). */
async function timeFirstFrame(): Promise<number> {
  const started = performance.now();
  const child = spawn('script', ['-qfec', `stty cols 80 rows 24; ${process.execPath} ${cli}`, '/dev/null'], {
    stdio: ['pipe', 'pipe', 'ignore'],
    env: { ...process.env, NO_COLOR: '1', TERM: 'xterm-256color' },
  });
  return new Promise((resolve, reject) => {
    let seen = '';
    child.stdout.on('data', (chunk) => {
      seen += String(chunk);
      if (seen.includes('Connect to')) {
        const elapsed = performance.now() - started;
        child.kill('SIGKILL');
        resolve(elapsed);
      }
    });
    child.once('exit', () =>
      reject(new Error(`the UI exited before its first frame: ${seen.slice(0, 200)}`)),
    );
  });
}

const node: number[] = [];
const explain: number[] = [];
const frame: number[] = [];
for (let run = 0; run < RUNS; run++) {
  node.push(timeRun(['-e', '0']));
  explain.push(timeRun([cli, 'explain', fixture]));
  frame.push(await timeFirstFrame());
}
const base = median(node);
console.log(`ondemand start-up (median of ${RUNS} runs each)\n`);
console.log(`node -e 0 (baseline)                      ${base.toFixed(0).padStart(5)} ms`);
console.log(
  `ondemand explain <large answer>           ${median(explain).toFixed(0).padStart(5)} ms   +${(median(explain) - base).toFixed(0)} ms over node (goal: at most +100)`,
);
console.log(
  `ondemand (UI) to its first frame          ${median(frame).toFixed(0).padStart(5)} ms   +${(median(frame) - base).toFixed(0)} ms over node (goal: at most +300)`,
);
