import { describe, expect, it } from 'vitest';
import { styleFor, themeFor } from './colour.js';

const terminal = { isTTY: true } as NodeJS.WriteStream;
const pipe = { isTTY: false } as NodeJS.WriteStream;

describe('one colour rule for the UI and for printed text', () => {
  it('NO_COLOR turns every colour off, in the UI and in print, even on a terminal or forced', () => {
    const theme = themeFor({ NO_COLOR: '1' });
    expect(theme.color('red')).toBeUndefined();
    expect(theme.paint('failure', 'x')).toBe('x');
    expect(theme.style.gray('x')).toBe('x');
    expect(styleFor({ env: { NO_COLOR: '1', FORCE_COLOR: '1' }, stdout: terminal }).red('x')).toBe('x');
  });

  it('colours otherwise: the UI always, printed text on a terminal or with FORCE_COLOR', () => {
    const theme = themeFor({});
    expect(theme.color('red')).toBe('red');
    expect(theme.paint('failure', 'x')).toBe('\u001b[31mx\u001b[39m');
    expect(styleFor({ env: {}, stdout: terminal }).red('x')).toBe('\u001b[31mx\u001b[39m');
    expect(styleFor({ env: {}, stdout: pipe }).red('x')).toBe('x');
    expect(styleFor({ env: { FORCE_COLOR: '1' }, stdout: pipe }).red('x')).toBe('\u001b[31mx\u001b[39m');
    expect(styleFor({ env: { FORCE_COLOR: '0' }, stdout: pipe }).red('x')).toBe('x');
  });
});
