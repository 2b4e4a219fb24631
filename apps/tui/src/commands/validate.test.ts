import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { documentedExamples, fixturesDir, memoryIo } from '@ondemand/test-utils';
import { tempDir } from '@ondemand/test-utils/temp-dir';
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

  it('reads a body saved as UTF-16 (Windows PowerShell), and a bulk file too', async () => {
    const dir = tempDir('ondemand-validate-utf16-');
    const utf16 = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    writeFileSync(join(dir, 'body.json'), utf16(JSON.stringify(documentedExamples()[0]!.request.body)));
    const { code, out } = await validate([join(dir, 'body.json')]);
    expect(out).toMatch(/is a valid provisionOnDemand body/);
    expect(code).toBe(0);
    // A bad row is named by its line and field: the header was read as a header.
    writeFileSync(join(dir, 'rows.csv'), utf16('objectId,objectTypeName\r\nu1,Wrong\r\n'));
    const { io, errors } = memoryIo({ cwd: dir });
    const bulkCode = await runCli(['bulk', 'rows.csv', '--simulate', '--sp', 's', '--job', 'j'], io);
    expect(errors()).toMatch(/line 2: objectTypeName: objectTypeName must be one of/);
    expect(bulkCode).toBe(2);
  });

  it('lists every problem with its path and exits 2', async () => {
    const body = {
      parameters: [
        {
          ruleId: '',
          subjects: [
            { objectId: '8213fd99-d6b6-417b-8e13-af6334856215', objectTypeName: 'Group' },
            { objectId: '9213fd99-d6b6-417b-8e13-af6334856215', objectTypeName: 'Group' },
            { objectId: 'alex.vance@contoso.onmicrosoft.com', objectTypeName: 'User' },
          ],
        },
      ],
    };
    const { code, out } = await validate(['-'], JSON.stringify(body));
    expect(code).toBe(2);
    expect(out).toContain('has 3 problems');
    expect(out).toContain('parameters[0].ruleId: ruleId cannot be empty');
    expect(out).toContain('parameters[0].subjects[1].objectTypeName: only one group');
    // The proxy's rule, said before anything is sent: a User is named by its object id, not its UPN.
    expect(out).toContain(
      'parameters[0].subjects[2].objectId: "alex.vance@contoso.onmicrosoft.com" is not an object id: a User is named by its Entra object id',
    );
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
