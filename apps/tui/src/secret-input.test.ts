import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { demoSeed, documentedIds as ids, type RunningSimulator, startSimulator } from '@ondemand/simulator';
import { memoryIo } from '@ondemand/test-utils';
import { tempDir } from '@ondemand/test-utils/temp-dir';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatorFlags } from '../test/simulator-flags.js';
import { connectionOptions } from './connection.js';
import { parseArgs } from './parse-args.js';
import { runCli } from './run-cli.js';
import { joinSecretValues } from './secret-input.js';

describe('joinSecretValues', () => {
  it('lets the parser take any secret as the value of --client-secret and --api-key, and nothing else changes', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.constantFrom('client-secret', 'api-key'),
        (secret, flag) => {
          const parsed = parseArgs([`--${flag}`, secret, '--tenant', 'x'], connectionOptions, 'usage', {
            maxPositionals: 0,
          });
          expect(parsed.values[flag]).toBe(secret);
          expect(parsed.values.tenant).toBe('x');
        },
      ),
    );
  });

  it('leaves other flags, a flag with = and everything after -- as they were', () => {
    expect(joinSecretValues(['--sp', '-x', '--client-secret=-a', '--', '--api-key', 'k'])).toEqual([
      '--sp',
      '-x',
      '--client-secret=-a',
      '--',
      '--api-key',
      'k',
    ]);
  });
});

describe('a client secret that begins with "-"', () => {
  const secret = '-Zq9_a-secret-that-begins-with-a-dash';
  let sim: RunningSimulator;
  let folder: string;
  beforeAll(async () => {
    sim = await startSimulator({ seed: demoSeed({ clientSecret: secret }) });
    folder = await tempDir('ondemand-secret-');
    await writeFile(join(folder, 'secret'), `${secret}\n`, { mode: 0o600 });
    await writeFile(join(folder, 'empty'), '\n');
  });
  afterAll(() => sim.stop());

  async function provision(
    secretArgs: string[],
    options: { env?: Record<string, string>; stdin?: string } = {},
  ) {
    const { io, output, errors } = memoryIo({ cwd: folder, ...options });
    const code = await runCli(
      [
        'provision',
        ...simulatorFlags(sim),
        ...secretArgs,
        '--sp',
        ids.saasServicePrincipal,
        '--job',
        ids.saasJob,
        '--user',
        ids.saasUser,
      ],
      io,
    );
    return { code, out: output(), err: errors() };
  }

  it.each([
    ['the flag', ['--client-secret', secret], {}],
    ['the environment', [], { env: { AZURE_CLIENT_SECRET: secret } }],
    ['a file', ['--client-secret-file', 'secret'], {}],
    ['standard input', ['--client-secret-file', '-'], { stdin: `${secret}\n` }],
  ] as const)('signs in with it from %s', async (_, args, options) => {
    const { code, out, err } = await provision([...args], options);
    expect(err).not.toMatch(/ambiguous|secret is wrong/);
    expect({ code, out: out.split('\n')[0] }).toEqual({
      code: 0,
      out: expect.stringMatching(/^Skipped: RedundantExport/),
    });
  });

  it.each([
    [
      'a file that is not there',
      ['--client-secret-file', 'missing'],
      /cannot read the client secret file .*missing \(--client-secret-file\): no such file/,
    ],
    [
      'an empty file',
      ['--client-secret-file', 'empty'],
      /the client secret file empty is empty: put the client secret alone in it/,
    ],
  ])('refuses %s with exit 3, naming it and never a secret', async (_, args, message) => {
    const { code, err } = await provision(args);
    expect(code).toBe(3);
    expect(err).toMatch(message);
    expect(err).not.toContain(secret);
    expect(err).not.toMatch(/\n\s+at /);
  });

  it('takes an API key that begins with "-" from --api-key, and one from --api-key-file', async () => {
    for (const args of [
      ['--api-key', '-odp_key'],
      ['--api-key-file', 'secret'],
    ]) {
      const { io, errors } = memoryIo({ cwd: folder });
      const code = await runCli(
        ['approvals', 'list', '--proxy', 'https://127.0.0.1:1', '--ca', 'no-such-ca.pem', ...args],
        io,
      );
      // The key was taken (from the flag, or read from its file): the next thing read is the CA.
      expect({ code, err: errors() }).toEqual({
        code: 3,
        err: expect.stringMatching(/cannot read the CA file no-such-ca\.pem/),
      });
    }
  });
});
