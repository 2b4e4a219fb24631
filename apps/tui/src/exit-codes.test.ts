import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXIT_CODE_TABLE, ExitCode } from './exit-codes.js';

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
});
