import { decodeProvisionResponse } from '@ondemand/core';
import { documentedExample, pressUntil } from '@ondemand/test-utils';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { themeFor } from '../colour.js';
import { ResultView } from './ResultView.js';
import { describeLimiter, fitConnection } from './StatusBar.js';

const plain = themeFor({ NO_COLOR: '1' });

describe('ResultView', () => {
  it('shows the outcome, the steps with marks and the modified properties', () => {
    const { lastFrame } = render(
      <ResultView result={decodeProvisionResponse(documentedExample(1).response.body)} theme={plain} />,
    );
    const frame = lastFrame()!;
    expect(frame.replace(/\s+/g, ' ')).toContain(
      '– Skipped: RedundantExport — the state of the user in both the source and target systems already match',
    );
    expect(frame).toMatch(/✓ Import/);
    expect(frame).toMatch(/– Export/);
    expect(frame).toContain('SkipReason: RedundantExport');
    // A skip wrote nothing: its properties are the values Graph compared, not changes.
    expect(frame).toMatch(/Values compared, nothing written \(7\)\n\s+objectId\s+52cf7b7a/);
    expect(frame).toMatch(/displayName\s+Bill Bob/);
    expect(frame).not.toMatch(/→|Modified properties/);
    expect(frame).not.toMatch(/\u001b\[3\dm/);
  });

  it('says what to do for a failure, and scrolls a long property list instead of hiding it', async () => {
    const failure = {
      ...decodeProvisionResponse(documentedExample(2).response.body),
      result: 'Failure',
      details: { errorCode: 'AttributeValueMustBeUnique', errorMessage: 'Another object has this UPN.' },
      reports: [{ statusInfo: { status: 'Failure', recommendedAction: 'Change the UPN.' } }],
    };
    const screen = render(<ResultView result={failure} theme={plain} height={18} />);
    const frame = screen.lastFrame()!.replace(/\s+/g, ' ');
    expect(frame).toContain('✗ Failure: AttributeValueMustBeUnique — another object has this UPN');
    expect(frame).toContain('What to do: Change the UPN.');
    expect(frame).toMatch(/lines 1–17 of \d+ · ↑↓ PgUp PgDn scroll/);
    // End shows the last of the 37 properties: nothing is left out.
    const end = await pressUntil(screen.stdin, screen.lastFrame, '\u001B[F', /UserPrincipalName/);
    expect(end).toMatch(/TargetAddress/);
  });

  it('keeps the informative end of a long property name, and wraps step descriptions', () => {
    const long = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department';
    const decoded = decodeProvisionResponse(documentedExample(2).response.body);
    const result = {
      ...decoded,
      report: {
        ...decoded.report,
        modifiedProperties: [{ displayName: long, oldValue: 'Sales', newValue: 'Finance' }],
      },
    };
    const frame = render(<ResultView result={result} theme={plain} width={60} height={40} />).lastFrame()!;
    expect(frame).toMatch(/…[\w:.]*User:department\s+Sales → Finance/);
    for (const line of frame.split('\n')) expect(line.length).toBeLessThanOrEqual(60);
  });

  it('fills the rows it is given: a blank line is a row too', () => {
    const result = decodeProvisionResponse(documentedExample(2).response.body);
    const frame = render(
      <ResultView result={result} theme={plain} width={80} height={12} details />,
    ).lastFrame()!;
    expect(frame.split('\n')).toHaveLength(12);
    expect(frame).toMatch(/lines 1–11 of \d+/);
  });

  it('wraps long values of the decoded answer under their key', () => {
    const result = {
      ...decodeProvisionResponse(documentedExample(2).response.body),
      raw: documentedExample(2).response.body,
    };
    const frame = render(
      <ResultView result={result} theme={plain} width={60} height={400} raw />,
    ).lastFrame()!;
    for (const line of frame.split('\n')) expect(line.length).toBeLessThanOrEqual(60);
    expect(frame).not.toContain('…');
  });

  it('explains an empty report (groups) and shows the raw answer on request', () => {
    const decoded = decodeProvisionResponse(documentedExample(3).response.body);
    expect(render(<ResultView result={decoded} theme={plain} />).lastFrame()).toMatch(/no step report/);
    const raw = render(
      <ResultView result={{ ...decoded, raw: documentedExample(3).response.body }} theme={plain} raw />,
    ).lastFrame()!;
    // Decoded and pretty-printed: key and value are JSON inside strings on the wire.
    expect(raw).toMatch(/"key": \{\n\s+"result": "Success",\n\s+"details": \{\}\n\s+\}/);
  });

  it('colours marks unless NO_COLOR is set', () => {
    const coloured = themeFor({});
    expect(coloured.paint('failure', 'x')).toBe('\u001b[31mx\u001b[39m');
    expect(plain.paint('failure', 'x')).toBe('x');
  });
});

describe('describeLimiter', () => {
  it.each([
    [
      { used: 3, remaining: 2, limit: 5, nextFreeInMs: 0, pausedForMs: 0, queued: 0, windowMs: 10_000 },
      '2 of 5 calls left in this window',
    ],
    [
      { used: 5, remaining: 0, limit: 5, nextFreeInMs: 3_200, pausedForMs: 0, queued: 2, windowMs: 10_000 },
      '0 of 5 calls left in this window; next in 4 s · 2 waiting',
    ],
    [
      {
        used: 1,
        remaining: 0,
        limit: 5,
        nextFreeInMs: 7_000,
        pausedForMs: 7_000,
        queued: 0,
        windowMs: 10_000,
      },
      'Graph asked to wait: paused for 7 s',
    ],
  ])('describes %o', (snapshot, text) => {
    expect(describeLimiter(snapshot)).toBe(text);
  });
});

describe('fitConnection', () => {
  it('keeps the address whole at 80 columns, shortening the tenant id first', () => {
    const line = fitConnection(
      'simulator (embedded) · tenant 72f988bf-86f1-41af-91ab-2d7cd011db47 · https://127.0.0.1:41234',
      80,
    );
    expect(line).toBe('⚡ simulator (embedded) · tenant 72f988bf… · https://127.0.0.1:41234');
    expect(fitConnection('proxy · https://ondemand.corp.example', 80)).toBe(
      '⚡ proxy · https://ondemand.corp.example',
    );
  });
});
