import { documentedExample, fixturesDir, memoryIo } from '@ondemand/test-utils';
import { describe, expect, it } from 'vitest';
import { runCli } from '../run-cli.js';

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
    expect(out).toMatch(/displayName\s+\(none\) → Bill Bob/);
    expect(out).not.toMatch(/\u001b\[/);
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
      /not a provisionOnDemand answer: error: this is a Graph error answer/,
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
});
