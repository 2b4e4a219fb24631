import { pressUntil, waitForFrame as until } from '@ondemand/test-utils';
import { Text } from 'ink';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { themeFor } from '../colour.js';
import { bind, quitBindings, shown } from './key-bindings.js';
import { ScreenFrame } from './ScreenFrame.js';

const plain = themeFor({ NO_COLOR: '1' });

describe('ScreenFrame', () => {
  it('runs the keys its help bar lists, nothing else, and Ctrl-C even where only q is listed', async () => {
    const ran: string[] = [];
    const { lastFrame, stdin } = render(
      <ScreenFrame
        theme={plain}
        bindings={[
          shown('↑↓', 'scroll'),
          bind('p', 'provision again', () => ran.push('p')),
          bind('Esc', 'back', () => ran.push('Esc')),
          ...quitBindings(() => ran.push('quit'), { typing: false }),
        ]}
      >
        <Text>body</Text>
      </ScreenFrame>,
    );
    expect(await until(lastFrame, /body/)).toMatch(/\n↑↓ scroll · p provision again · Esc back · q quit$/);
    // Keys of a batch are each their own: "xpP" is x (nothing), p (runs), P (nothing: not p).
    await pressUntil(stdin, () => ran.join(), 'xpP', /^p$/);
    await pressUntil(stdin, () => ran.join(), '\u001B', /^p,Esc$/);
    await pressUntil(stdin, () => ran.join(), '\u0003', /^p,Esc,quit$/);
    await pressUntil(stdin, () => ran.join(), 'q', /^p,Esc,quit,quit$/);
  });

  it('on a screen where letters are typed, lists Ctrl-C to quit and leaves q alone', async () => {
    const ran: string[] = [];
    const { lastFrame, stdin } = render(
      <ScreenFrame theme={plain} bindings={quitBindings(() => ran.push('quit'), { typing: true })}>
        <Text>field</Text>
      </ScreenFrame>,
    );
    expect(await until(lastFrame, /field/)).toMatch(/Ctrl-C quit$/);
    stdin.write('q');
    await pressUntil(stdin, () => ran.join(), '\u0003', /^quit$/);
  });
});
