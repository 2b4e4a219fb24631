import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeProvisionResponse } from '@ondemand/core';
import { documentedIds as ids } from '@ondemand/simulator';
import { documentedExample, fixturesDir, memoryIo } from '@ondemand/test-utils';
import { tempDir } from '@ondemand/test-utils/temp-dir';
import { describe, expect, it } from 'vitest';
import { runCli } from '../run-cli.js';
import { savedResultText } from '../ui/model.js';

const first = documentedExample(1).response.body;

async function explain(args: string[], stdin?: string, env: Record<string, string> = {}) {
  const { io, output, errors } = memoryIo({ stdin, env, cwd: fixturesDir });
  const code = await runCli(['explain', ...args], io);
  return { code, out: output(), err: errors() };
}

describe('ondemand explain', () => {
  it('prints the outcome, the steps in order and the modified properties', async () => {
    const { code, out } = await explain(['documented/1-user-to-saas-app.json']);
    expect(code).toBe(0);
    const lines = out.split('\n');
    expect(lines[0]).toBe(
      'Skipped: RedundantExport — the state of the user in both the source and target systems already match',
    );
    expect(out).toMatch(/✓\s+1 Import\s+EntryImport/);
    expect(out).toMatch(/–\s+4 Export\s+EntrySynchronizationSkip/);
    expect(out).toContain('      SkipReason: RedundantExport');
    expect(out).toMatch(/Values compared, nothing written \(7\)\n(.*\n)*\s+displayName\s+Bill Bob\n/);
    expect(out).not.toMatch(/Modified properties|\(none\) →/);
    expect(out).not.toMatch(/\u001b\[/);
  });

  it('fits an 80-column terminal by wrapping between words, and prints every line whole off one', async () => {
    const onTerminal = memoryIo({ cwd: fixturesDir, env: { NO_COLOR: '1' } });
    Object.assign(onTerminal.io.stdout, { isTTY: true, columns: 80 });
    await runCli(['explain', 'documented/2-cloud-sync-ad-user.json', '--details'], onTerminal.io);
    const wrapped = onTerminal.output().split('\n');
    for (const line of wrapped) expect(line.length, line).toBeLessThanOrEqual(80);
    expect(onTerminal.output()).not.toContain('…');
    // The longest detail, whole on a terminal too: wrapped, not cut.
    expect(onTerminal.output().replace(/\n\s+/g, ' ')).toContain(
      'legacyExchangeDN: /o=ESF/ou=External (FYDIBOHF25SPDLT)/cn=Recipients/cn=b499521b46264967a6de75f1a08add7a',
    );

    const piped = await explain(['documented/2-cloud-sync-ad-user.json', '--details']);
    expect(piped.out).not.toContain('…');
    expect(piped.out).toMatch(
      /^ {6}legacyExchangeDN: \/o=ESF\/ou=External \(FYDIBOHF25SPDLT\)\/cn=Recipients\/cn=b499521b46264967a6de75f1a08add7a$/m,
    );
    expect(piped.out).toMatch(/started 2022-04-21T18:40:07\.8309453Z, took \d+ ms/);
  });

  it('reads standard input, PowerShell output and a whole HTTP answer', async () => {
    const powershell = JSON.stringify({ Key: first.key, Value: first.value, AdditionalProperties: {} });
    const http = `HTTP/1.1 200 OK\nContent-Type: application/json\n\n${JSON.stringify(first)}`;
    for (const stdin of [JSON.stringify(first), powershell, http]) {
      const { code, out } = await explain(['-'], stdin);
      expect(code).toBe(0);
      expect(out).toMatch(/^Skipped: RedundantExport/);
    }
  });

  it('reads files in the encoding their byte-order mark names: UTF-16 as Windows PowerShell writes, UTF-8 with a mark', async () => {
    const dir = tempDir('ondemand-explain-encodings-');
    const text = JSON.stringify(first, null, 2).replaceAll('\n', '\r\n');
    const utf16be = Buffer.from(`\ufeff${text}`, 'utf16le').swap16();
    const files = {
      'utf16le.json': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
      'utf16be.json': utf16be,
      'utf8-bom.json': Buffer.from(`\ufeff${text}`, 'utf8'),
    };
    for (const [name, bytes] of Object.entries(files)) {
      writeFileSync(join(dir, name), bytes);
      const { code, out, err } = await explain([join(dir, name)]);
      expect(err).toBe('');
      expect(code).toBe(0);
      expect(out).toMatch(/^Skipped: RedundantExport/);
    }
  });

  it('prints the decoder output with --json', async () => {
    const { code, out } = await explain(['--json', 'documented/2-cloud-sync-ad-user.json']);
    expect(code).toBe(0);
    const printed = JSON.parse(out);
    expect(printed.result).toBe('Success');
    expect(printed.report.action).toBe('Update');
    expect(printed.report.provisioningSteps).toHaveLength(4);
  });

  it('shows every detail with --details', async () => {
    const { out } = await explain(['--details', 'documented/2-cloud-sync-ad-user.json']);
    expect(out).toContain('sAMAccountName: adelev');
    expect((await explain(['documented/2-cloud-sync-ad-user.json'])).out).not.toContain('sAMAccountName');
  });

  it('exits 1 when the provisioning failed, and shows what to do', async () => {
    const report = {
      statusInfo: {
        status: 'Failure',
        errorCode: 'UserNotAssigned',
        reason: 'The user is not assigned.',
        recommendedAction: 'Assign the user to the app.',
      },
    };
    const { code, out } = await explain(
      ['-'],
      JSON.stringify({
        key: '{"result":"Failure","details":{"errorCode":"UserNotAssigned","errorMessage":"The user is not assigned."}}',
        value: JSON.stringify(report),
      }),
    );
    expect(code).toBe(1);
    expect(out).toContain('Failure: UserNotAssigned — the user is not assigned');
    expect(out).toContain('What to do: Assign the user to the app.');
  });

  it('colours only when asked and NO_COLOR is not set', async () => {
    expect(
      (await explain(['documented/1-user-to-saas-app.json'], undefined, { FORCE_COLOR: '1' })).out,
    ).toMatch(/\u001b\[/);
    expect(
      (await explain(['documented/1-user-to-saas-app.json'], undefined, { FORCE_COLOR: '1', NO_COLOR: '1' }))
        .out,
    ).not.toMatch(/\u001b\[/);
  });

  it.each<[string, string[], string | undefined, RegExp]>([
    ['a missing file', ['missing.json'], undefined, /cannot read missing\.json: no such file/],
    ['text that is not JSON', ['-'], 'hello', /standard input is not JSON/],
    ['empty input', ['-'], '', /standard input is empty/],
    [
      'a Graph error body',
      ['-'],
      '{"error":{"code":"BadRequest","message":"x"}}',
      /is neither a provisionOnDemand answer, provisioning logs nor a synchronization job: error: this is a Graph error answer/,
    ],
    [
      'a malformed value',
      ['-'],
      JSON.stringify({ key: first.key, value: '{"provisioningSteps":[{"name":1}]}' }),
      /value\.provisioningSteps\[0\]\.name: is a number/,
    ],
    [
      'Format-List output',
      ['-'],
      'Key   : Microsoft.Identity\nValue : [{"provisioningSteps"',
      /Format-List.*ConvertTo-Json/s,
    ],
    ['an unknown option', ['--bogus'], '', /Unknown option '--bogus'.*Usage: ondemand explain/s],
    ['two files', ['a.json', 'b.json'], '', /unexpected argument "b\.json"/],
  ])('refuses %s with exit 2 and no stack', async (_, args, stdin, message) => {
    const { code, err } = await explain(args, stdin);
    expect(code).toBe(2);
    expect(err).toMatch(message);
    expect(err).not.toMatch(/\n\s+at /);
  });

  it('reads back whatever ondemand writes: provision --json, explain --json, the UI’s saved result, a bulk results file', async () => {
    const dir = tempDir('ondemand-explain-');
    const target = ['--sp', ids.saasServicePrincipal, '--job', ids.saasJob];
    const provisioned = memoryIo({ cwd: dir });
    expect(
      await runCli(['provision', '--simulate', ...target, '--user', ids.saasUser, '--json'], provisioned.io),
    ).toBe(0);
    writeFileSync(join(dir, 'provision.json'), provisioned.output());

    const explained = await explain(['--json', join(fixturesDir, 'documented/2-cloud-sync-ad-user.json')]);
    writeFileSync(join(dir, 'explain.json'), explained.out);

    const body = documentedExample(1).response.body;
    const entry = {
      at: new Date(),
      target: {
        sp: { id: 's', displayName: 'App' },
        job: { id: 'j', templateId: 't' },
        rule: { id: 'r', name: 'rule', kinds: ['user' as const] },
        subject: { kind: 'user' as const, id: 'u', label: 'User', members: [] },
      },
      result: {
        ...decodeProvisionResponse(body),
        raw: body,
        requestId: 'r-1',
        clientRequestId: 'c-1',
        attempts: 1,
      },
    };
    writeFileSync(join(dir, 'saved.json'), savedResultText(entry));

    writeFileSync(join(dir, 'rows.csv'), `objectId\n${ids.saasUser}\n00000000-0000-0000-0000-0000000000aa\n`);
    const bulk = memoryIo({ cwd: dir });
    await runCli(['bulk', 'rows.csv', '--simulate', ...target], bulk.io);

    for (const [file, pattern, exitCode] of [
      ['provision.json', /^Skipped: RedundantExport/, 0],
      ['explain.json', /^Success/, 0],
      ['saved.json', /^Skipped: RedundantExport/, 0],
      [
        'rows.csv.results.ndjson',
        /rows\.csv\.results\.ndjson: line 2 of the bulk file\nSkipped: RedundantExport[\s\S]*rows\.csv\.results\.ndjson: line 3 of the bulk file\nSkipped: SourceObjectNotFound[\s\S]*\n\n2 answers: Skipped 2\n$/,
        1,
      ],
    ] as const) {
      const read = await explain([join(dir, file)]);
      expect(read.err, file).toBe('');
      expect(read.out, file).toMatch(pattern);
      expect(read.code, file).toBe(exitCode);
    }
  });

  describe('provisioning logs and synchronization jobs', () => {
    it.each<[string, number, RegExp[]]>([
      [
        'logs/v1-page-failure.json',
        1,
        [
          /^failed: Self-service Pilot \(Group\), create in Contoso — ContosoEntryConflict\n/,
          /What to do: Correct the conflicting attribute values/,
          /✗ export EntryExportAdd — Failed to create Group 'Self-service Pilot' in Contoso/,
          /Retry: someone must act/,
        ],
      ],
      ['logs/v1-entry-success.json', 0, [/^applied: .*create in Contoso\n/, /appId: \(none\) → 60a7a801/]],
      [
        'logs/beta-entry-skipped.json',
        1,
        [
          /^not provisioned: Diego Siciliani \(User\).*NotEffectivelyEntitled/,
          /What to do: Assign the user or a group of theirs to the app/,
          /fails: department EQUALS 'Sales'\n\s+holds: accountEnabled IS_TRUE/,
        ],
      ],
      [
        'logs/diagnostic-export.json',
        1,
        [
          /^failed: Adele Vance \(User\), update in Contoso Expenses — Timeout/,
          /Retry: the service retries it by itself/,
        ],
      ],
      [
        'logs/job-quarantined.json',
        1,
        [
          /is in quarantine\n/,
          /Quarantine: EncounteredQuarantineException since 2024-03-05T06:00:04Z; next attempt 2024-03-05T12:00:04Z/,
          /What to do: Update the app’s admin credentials/,
        ],
      ],
      [
        'logs/job-never-run.json',
        1,
        [/is never run\n/, /Schedule: Disabled \(never scheduled\)/, /Last cycle: none yet/],
      ],
    ])('explains %s (exit %i)', async (file, exitCode, patterns) => {
      const { code, out, err } = await explain([file]);
      expect(err).toBe('');
      for (const pattern of patterns) expect(out).toMatch(pattern);
      expect(code).toBe(exitCode);
    });

    it('prints the names the README promises with --json: kind, entries with verdict and retry, a job with health', async () => {
      const logs = JSON.parse((await explain(['--json', 'logs/diagnostic-export.json'])).out);
      expect(logs.kind).toBe('provisioningLogs');
      expect(logs.entries[0]).toMatchObject({
        id: '5a7d9c1e-2b3f-4a6d-8e9f-0a1b2c3d4e5f',
        action: 'update',
        status: 'failure',
        errorCode: 'Timeout',
        skipReason: null,
        sourceIdentity: {
          id: '9f8e7d6c-5b4a-3f2e-1d0c-9b8a7f6e5d4c',
          displayName: 'Adele Vance',
          identityType: 'User',
        },
        modifiedProperties: [{ name: 'title', oldValue: 'Analyst', newValue: 'Lead analyst' }],
        verdict: 'failed',
        retry: 'automatic',
      });
      expect(logs.entries[0].steps.map((step: { type: string }) => step.type)).toEqual([
        'import',
        'scoping',
        'export',
      ]);

      const job = JSON.parse((await explain(['--json', 'logs/job-never-run.json'])).out);
      expect(job).toMatchObject({
        kind: 'synchronizationJob',
        health: 'notRun',
        quarantine: null,
        lastExecution: null,
      });
      expect(job.schedule.interval).toBeNull();

      const answer = JSON.parse((await explain(['--json', 'documented/1-user-to-saas-app.json'])).out);
      expect(answer).toMatchObject({
        kind: 'provisionOnDemand',
        result: 'Skipped',
        verdict: 'alreadyInSync',
      });
    });

    it('reads back what it prints: explain --json of logs and of a job, logs --json, jobs status --json', async () => {
      for (const [file, pattern, exitCode] of [
        [
          'logs/v1-page-failure.json',
          /^failed: Self-service Pilot \(Group\), create in Contoso — ContosoEntryConflict/,
          1,
        ],
        [
          'logs/job-quarantined.json',
          /is in quarantine\n[\s\S]*Quarantine: EncounteredQuarantineException since 2024-03-05T06:00:04Z/,
          1,
        ],
        ['logs/v1-entry-success.json', /^applied: /, 0],
      ] as const) {
        const printed = (await explain(['--json', file])).out;
        const again = await explain(['-'], printed);
        expect(again.err, file).toBe('');
        expect(again.out, file).toMatch(pattern);
        expect(again.code, file).toBe(exitCode);
        // Read back, it says what it said the first time.
        expect(JSON.parse((await explain(['--json', '-'], printed)).out), file).toEqual(JSON.parse(printed));
      }
      // logs --json: one entry per line.
      const { entries } = JSON.parse((await explain(['--json', 'logs/v1-page-failure.json'])).out);
      const ndjson = `${entries.map((entry: unknown) => JSON.stringify(entry)).join('\n')}\n`;
      const fromLogs = await explain(['-'], `${ndjson}${ndjson}`);
      expect(fromLogs.out.match(/^failed: Self-service Pilot/gm)).toHaveLength(2);
      // jobs status --json: { jobs: [{ servicePrincipalId, appName, …the job }] }.
      const job = JSON.parse((await explain(['--json', 'logs/job-quarantined.json'])).out);
      const status = JSON.stringify({ jobs: [{ servicePrincipalId: 'sp', appName: 'Contoso', ...job }] });
      expect((await explain(['-'], status)).out).toMatch(/is in quarantine/);
    });

    it('reads NDJSON of entries (an export, or its own --json) as one list', async () => {
      const page = JSON.parse(readFileSync(join(fixturesDir, 'logs/v1-page-failure.json'), 'utf8'));
      const success = readFileSync(join(fixturesDir, 'logs/v1-entry-success.json'), 'utf8');
      const ndjson = `${JSON.stringify(page.value[0])}\n${JSON.stringify(JSON.parse(success))}\n`;
      const { code, out } = await explain(['--json', '-'], ndjson);
      expect(JSON.parse(out).entries.map((entry: { verdict: string }) => entry.verdict)).toEqual([
        'failed',
        'applied',
      ]);
      expect(code).toBe(1);
    });

    it('shows names and reasons from the directory as text: an escape sequence in them never reaches the terminal', async () => {
      const entry = JSON.parse(readFileSync(join(fixturesDir, 'logs/v1-page-failure.json'), 'utf8')).value[0];
      entry.sourceIdentity.displayName = 'Eve\u001b]52;c;cm0gLXJmIH4=\u0007\u001b[2J';
      entry.provisioningStatusInfo.errorInformation.reason = 'bad\u009b31m';
      const { out } = await explain(['-'], JSON.stringify(entry), { FORCE_COLOR: '0' });
      expect(out).not.toMatch(/[\u001b\u0007\u009b]/);
      expect(out).toMatch(/Eve.*\(Group\)/);
    });

    it('refuses a log entry it cannot read with exit 2, naming the field', async () => {
      const { code, err } = await explain(
        ['-'],
        JSON.stringify({ value: [{ jobId: 'j', provisioningAction: 'create' }, { hello: 'world' }] }),
      );
      expect(code).toBe(2);
      expect(err).toMatch(/not provisioning logs: item 1 is not a provisioning-log entry/);
      expect(err).not.toMatch(/\n\s+at /);
    });
  });
});
