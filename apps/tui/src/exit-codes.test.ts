import { readFileSync } from 'node:fs';
import { memoryIo } from '@ondemand/test-utils';
import { describe, expect, it } from 'vitest';
import { EXIT_CODE_TABLE, ExitCode } from './exit-codes.js';
import { runCli } from './run-cli.js';

describe('the exit codes', () => {
  it('are one table: each code once, each named code in it, and the README shows that table', () => {
    const codes = EXIT_CODE_TABLE.map(([code]) => code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of Object.values(ExitCode)) expect(codes).toContain(code);
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const rows = [...readme.matchAll(/^\|\s*(\d+)\s*\|\s*(.*?)\s*\|$/gm)].map(([, code, meaning]) => [
      Number(code),
      meaning,
    ]);
    expect(rows).toEqual(EXIT_CODE_TABLE.map(([code, meaning]) => [code, meaning]));
  });

  it.each([
    ['provision'],
    ['bulk'],
    ['explain'],
    ['validate'],
    ['jobs'],
    ['rules'],
    ['users'],
    ['groups'],
    ['members'],
    ['approvals'],
    ['audit'],
  ])('ends %s --help with the exit codes it uses, from the table', async (command) => {
    const run = memoryIo();
    expect(await runCli([command, '--help'], run.io)).toBe(0);
    const [, block] = run
      .output()
      .trimEnd()
      .split(/\nExit codes:\n/);
    expect(block, `${command} --help ends with its exit codes`).toBeDefined();
    const codes = block!.split('\n').map((line) => Number(/^\s+(\d+)\s{2}/.exec(line)?.[1]));
    expect(codes.length).toBeGreaterThan(1);
    for (const code of codes) expect(EXIT_CODE_TABLE.map(([known]) => known)).toContain(code);
  });
});
