import { z } from 'zod';

/** `--since 2h` or an ISO time, as an ISO time (`audit`, `logs`). */
export const pointInTime = (flag: string) =>
  z
    .string()
    .transform((text, context) => {
      const age = /^(\d+)(s|m|h|d)$/.exec(text.trim());
      if (age) {
        const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[age[2] as 's' | 'm' | 'h' | 'd'];
        return new Date(Date.now() - Number(age[1]) * unit).toISOString();
      }
      if (!Number.isNaN(Date.parse(text)) && /\d{4}-\d{2}-\d{2}T/.test(text))
        return new Date(text).toISOString();
      context.addIssue({
        code: 'custom',
        message: `${flag} takes an ISO time (2026-12-02T09:00:00Z) or an age (30m, 12h, 7d)`,
      });
      return z.NEVER;
    })
    .optional();
