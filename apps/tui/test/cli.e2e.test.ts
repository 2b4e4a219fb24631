import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fixturesDir } from '@ondemand/test-utils';
import { describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../dist/bin/cli.js', import.meta.url));

function ondemand(args: string[], input?: string) {
  const run = spawnSync(process.execPath, [cli, ...args], {
    input,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

describe('the built ondemand command', { tags: ['e2e'] }, () => {
  it('runs from this checkout as the READMEs do, printing only its own output, exit code included', () => {
    const bin = fileURLToPath(new URL('../../../bin/ondemand', import.meta.url));
    const run = spawnSync(bin, ['validate', '/nonexistent.json'], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('ondemand validate: cannot read /nonexistent.json: no such file\n');
    for (const readme of ['../../../README.md', '../README.md', '../../proxy/README.md']) {
      const text = readFileSync(new URL(readme, import.meta.url), 'utf8');
      expect(text, readme).not.toMatch(/pnpm (--silent )?(run )?ondemand/);
    }
  });

  it('explains the large documented answer from a pipe', () => {
    const input = readFileSync(`${fixturesDir}documented/2-cloud-sync-ad-user.json`, 'utf8');
    const { code, out } = ondemand(['explain', '-'], input);
    expect(code).toBe(0);
    expect(out.startsWith('Success: Update of adelev@chicago.com')).toBe(true);
    expect(out).toContain('Modified properties (37)');
  });

  it('validates with exit 2 and a message, never a stack', () => {
    const { code, out, err } = ondemand(['validate', '-'], '{"parameters":[{"ruleId":"r","subjects":[]}]}');
    expect(code).toBe(2);
    expect(out).toContain('parameters[0].subjects: subjects cannot be empty');
    expect(err).toBe('');
  });

  it('stops printing quietly when the reader goes away (| head), with its own exit code', async () => {
    const child = spawn(process.execPath, [cli, 'explain', '-'], { env: { ...process.env, NO_COLOR: '1' } });
    // The read end is closed before anything is written, so the first write meets EPIPE.
    child.stdout.destroy();
    let err = '';
    child.stderr.on('data', (chunk) => {
      err += chunk;
    });
    child.stdin.end(readFileSync(`${fixturesDir}documented/2-cloud-sync-ad-user.json`));
    const code = await new Promise((resolve) => child.once('close', resolve));
    expect(err).toBe('');
    expect(code).toBe(0);
  });

  it('lists its commands with --help and refuses unknown ones', () => {
    expect(ondemand(['--help']).out).toMatch(/explain\s+print a provisionOnDemand answer/);
    const unknown = ondemand(['provisoin']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('unknown command "provisoin"');
  });
});
