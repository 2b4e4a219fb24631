import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { flagSet } from './flag-set.js';

describe('flagSet', () => {
  const flags = flagSet({
    rate: {
      type: 'string',
      schema: z.coerce.number({ error: '--rate must be a number' }),
      usage: ['--rate N', 'calls per window'],
    },
    quiet: { type: 'boolean', schema: z.boolean(), usage: ['--quiet', 'say less\nand less'] },
    hidden: { type: 'string', schema: z.string() },
  });

  it('gives the parser, the check and the usage from one table', () => {
    expect(flags.options).toEqual({
      rate: { type: 'string' },
      quiet: { type: 'boolean' },
      hidden: { type: 'string' },
    });
    expect(flags.schema.parse({ rate: '5' })).toEqual({ rate: 5 });
    expect(flags.schema.safeParse({ rate: 'x' }).error?.issues[0]?.message).toBe('--rate must be a number');
    expect(flags.usageLines(2, 12)).toBe(
      '  --rate N  calls per window\n  --quiet   say less\n            and less',
    );
  });
});
