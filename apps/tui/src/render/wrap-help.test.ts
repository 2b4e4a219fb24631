import { describe, expect, it } from 'vitest';
import { provisionUsage } from '../commands/provision.js';
import { wrapHelp } from './wrap-help.js';

describe('help text on a narrow terminal', () => {
  it('wraps to the width, descriptions under descriptions, and leaves commands whole', () => {
    const wrapped = wrapHelp(provisionUsage, 60).split('\n');
    for (const line of wrapped)
      if (!/^\s*ondemand\b/.test(line)) expect(line.length, line).toBeLessThanOrEqual(60);
    const job = wrapped.findIndex((line) => line.startsWith('  --job ID'));
    const column = wrapped[job]!.indexOf('the synchronization job id');
    expect(wrapped[job + 1]!.search(/\S/)).toBe(column);
    expect(wrapped.some((line) => line.startsWith('  ondemand provision --simulate --sp c8c95753'))).toBe(
      true,
    );
    expect(wrapHelp(provisionUsage, undefined)).toBe(provisionUsage);
  });
});
