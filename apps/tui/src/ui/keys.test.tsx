import { until, waitForFrame } from '@ondemand/test-utils';
import fc from 'fast-check';
import { Text } from 'ink';
import { render } from 'ink-testing-library';
import { useEffect, useState } from 'react';
import { describe, expect, it } from 'vitest';
import { themeFor } from '../colour.js';
import { SelectList } from './SelectList.js';
import { TextField } from './TextField.js';
import { KeyRouter, useKeys } from './use-keys.js';

const plain = themeFor({ NO_COLOR: '1' });

function Field(props: { onSubmit: (value: string) => void }) {
  const [value, setValue] = useState('');
  return (
    <>
      <TextField
        value={value}
        onChange={setValue}
        onSubmit={props.onSubmit}
        theme={plain}
        placeholder="a name"
      />
      <Text>{`[${value}]`}</Text>
    </>
  );
}

// Keys that arrive in one read (key repeat, a paste, a slow ssh link) each count, as typed one by one.
describe('keys that arrive together', () => {
  it('in a text field: Backspaces remove, never insert; Enter submits the text typed just before it', async () => {
    const submitted: string[] = [];
    const { stdin, lastFrame } = render(<Field onSubmit={(value) => submitted.push(value)} />);
    await waitForFrame(lastFrame, /\(a name\)/);
    stdin.write('jamalxyz');
    await waitForFrame(lastFrame, /\[jamalxyz\]/);
    stdin.write('\u007f\u007f\u007f');
    await waitForFrame(lastFrame, /\[jamal\]/);
    stdin.write('\u0001\u0002b\r');
    await waitForFrame(() => submitted.join(), /jamalb/);
    expect(lastFrame()).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/);
  });

  it('in a text field: one Backspace, as a terminal sends it (DEL, which Ink names "delete"), removes one', async () => {
    const { stdin, lastFrame } = render(<Field onSubmit={() => {}} />);
    await waitForFrame(lastFrame, /\(a name\)/);
    stdin.write('abc');
    await waitForFrame(lastFrame, /\[abc\]/);
    stdin.write('\u007f');
    await waitForFrame(lastFrame, /\[ab\]/);
    // Backspace as some terminals send it (^H) too, and after a grapheme of several code units.
    stdin.write('👍🏽');
    await waitForFrame(lastFrame, /\[ab👍🏽\]/);
    stdin.write('\b');
    await waitForFrame(lastFrame, /\[ab\]/);
  });

  it('in a text field: Backspace takes whole characters, so no edit leaves half of one', async () => {
    const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
    await fc.assert(
      fc.asyncProperty(
        fc
          .string({ unit: 'grapheme', minLength: 1, maxLength: 6 })
          .filter((text) => !/[\p{Cc}[\]]/u.test(text)),
        fc.nat(3),
        async (text, erased) => {
          const { stdin, lastFrame, unmount } = render(<Field onSubmit={() => {}} />);
          await waitForFrame(lastFrame, /\(a name\)/);
          stdin.write(text);
          await until('the text is in the field', () => lastFrame()?.includes(`[${text}]`));
          const characters = Array.from(segmenter.segment(text), (part) => part.segment);
          const count = Math.min(erased + 1, characters.length);
          stdin.write('\u007f'.repeat(count));
          const kept = characters.slice(0, characters.length - count).join('');
          await until(`the field holds "${kept}"`, () => lastFrame()?.includes(`[${kept}]`));
          expect(lastFrame()).not.toMatch(
            /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/,
          );
          unmount();
        },
      ),
      { numRuns: 25 },
    );
  });

  it('in a text field: ← steps over a whole character', async () => {
    const { stdin, lastFrame } = render(<Field onSubmit={() => {}} />);
    await waitForFrame(lastFrame, /\(a name\)/);
    stdin.write('a👍🏽b');
    await waitForFrame(lastFrame, /\[a👍🏽b\]/);
    stdin.write('\u001B[D\u001B[D\u007f');
    await waitForFrame(lastFrame, /\[👍🏽b\]/);
  });

  it('in a list: three ↓ or three j in one read move three rows; an Enter after them picks that row', async () => {
    const picked: string[] = [];
    const items = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((value) => ({
      key: value,
      label: `item ${value}`,
      value,
    }));
    const { stdin, lastFrame } = render(
      <SelectList items={items} theme={plain} onSelect={(value) => picked.push(value)} />,
    );
    await waitForFrame(lastFrame, /❯ item a/);
    stdin.write('\u001B[B\u001B[B\u001B[B');
    await waitForFrame(lastFrame, /❯ item d/);
    stdin.write('jjj\r');
    await waitForFrame(() => picked.join(), /g/);
    expect(picked).toEqual(['g']);
  });
});

function Screen(props: { name: string; pressed: string[] }) {
  useKeys((input) => props.pressed.push(`${props.name}:${input}`));
  return <Text>{`screen ${props.name}`}</Text>;
}

/** Screen A until `next` resolves (as a Graph answer would), then screen B; both inside App's router. */
function TwoScreens(props: { next: Promise<void>; pressed: string[] }) {
  const [shown, setShown] = useState('A');
  useEffect(() => void props.next.then(() => setShown('B')), [props.next]);
  return (
    <KeyRouter>
      <Screen key={shown} name={shown} pressed={props.pressed} />
    </KeyRouter>
  );
}

// React subscribes a new screen's keys after it has drawn it (a passive effect, run later); a key
// typed in between went to the screen that was no longer there (Tab on the app list opened the inbox
// from the subject screen) or was lost. The router's screens take their keys from the moment they show.
describe('a key pressed the moment a new screen shows', () => {
  it('goes to the new screen, not the one it replaced', async () => {
    const pressed: string[] = [];
    let reveal = () => {};
    const next = new Promise<void>((resolve) => {
      reveal = resolve;
    });
    const app = render(<TwoScreens next={next} pressed={pressed} />);
    await waitForFrame(app.lastFrame, /screen A/);
    // The key is typed right after the frame with screen B is written, before React's passive effects.
    const write = app.stdout.write.bind(app.stdout);
    app.stdout.write = (frame: string) => {
      write(frame);
      if (frame.includes('screen B')) queueMicrotask(() => app.stdin.write('x'));
      return true;
    };
    reveal();
    await waitForFrame(() => pressed.join(), /x/);
    expect(pressed).toEqual(['B:x']);
  });
});
