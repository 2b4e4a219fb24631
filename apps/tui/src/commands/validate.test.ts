import { documentedExamples, fixturesDir, memoryIo } from '@ondemand/test-utils';
import { describe, expect, it } from 'vitest';
import { runCli } from '../run-cli.js';

async function validate(args: string[], stdin?: string) {
  const { io, output, errors } = memoryIo({ stdin, cwd: fixturesDir });
  const code = await runCli(['validate', ...args], io);
  return { code, out: output(), err: errors() };
}

describe('ondemand validate', () => {
  it.each(documentedExamples().map((example) => example.file))(
    'accepts documented/%s (the request half)',
    async (file) => {
      const { code, out } = await validate([`documented/${file}`]);
      expect(code).toBe(0);
      expect(out).toMatch(/is a valid provisionOnDemand body/);
    },
  );

  it('lists every problem with its path and exits 2', async () => {
    const body = {
      parameters: [
        {
          ruleId: '',
          subjects: [
            { objectId: 'g1', objectTypeName: 'Group' },
            { objectId: 'g2', objectTypeName: 'Group' },
          ],
        },
      ],
    };
    const { code, out } = await validate(['-'], JSON.stringify(body));
    expect(code).toBe(2);
    expect(out).toContain('has 2 problems');
    expect(out).toContain('parameters[0].ruleId: ruleId cannot be empty');
    expect(out).toContain('parameters[0].subjects[1].objectTypeName: only one group');
  });

  it('says so when the parameters wrapper is missing', async () => {
    const { code, out } = await validate(['-'], JSON.stringify({ ruleId: 'r', subjects: [] }));
    expect(code).toBe(2);
    expect(out).toContain('must be wrapped in a "parameters" array');
  });

  it('prints machine-readable issues with --json', async () => {
    const { code, out } = await validate(['--json', '-'], JSON.stringify({ parameters: [] }));
    expect(code).toBe(2);
    expect(JSON.parse(out)).toEqual({
      valid: false,
      issues: [{ path: 'parameters', message: expect.stringContaining('cannot be empty') }],
    });
  });

  it('refuses a terminal on standard input instead of waiting forever', async () => {
    const { io, errors } = memoryIo({ isTTY: true });
    expect(await runCli(['validate'], io)).toBe(2);
    expect(errors()).toMatch(/no input: give a FILE/);
  });
});
