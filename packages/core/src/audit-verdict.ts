import { z } from 'zod';

export const CHAIN_PROBLEM_KINDS = [
  'altered',
  'removed',
  'reordered',
  'cut_off',
  'added',
  'head_missing',
  'rewritten',
  'bad_signature',
  'checkpoint_removed',
  'unreadable_witness',
] as const;

/** What checking the audit log found: the proxy's `/audit/verify` and both commands' offline verify. */
export const chainVerdictSchema = z.object({
  valid: z.boolean(),
  entries: z.number().int().nonnegative(),
  /** The last entry's position and hash, as read. */
  head: z.object({ seq: z.number().int().nonnegative(), hash: z.string() }),
  /** The first problems found, in order; `problemCount` counts them all. */
  problems: z.array(
    z.object({ kind: z.enum(CHAIN_PROBLEM_KINDS), seq: z.number().int(), message: z.string() }),
  ),
  problemCount: z.number().int().nonnegative(),
  checkpoints: z.object({
    checked: z.number().int().nonnegative(),
    newest: z.object({ seq: z.number().int(), at: z.string() }).nullable(),
  }),
  /** What this verdict could not check, in plain words; empty when nothing was left out. */
  unchecked: z.array(z.string()),
});
export type ChainVerdict = z.infer<typeof chainVerdictSchema>;
export type ChainProblem = ChainVerdict['problems'][number];
export type ChainProblemKind = ChainProblem['kind'];

/** A verdict in sentences: intact or not, every problem listed, and what was not checked. */
export function describeVerdict(verdict: ChainVerdict): string {
  const lines = verdict.valid
    ? [
        `the audit log is intact: ${verdict.entries} entries${verdict.checkpoints.newest ? `, signed up to entry ${verdict.checkpoints.newest.seq} (${verdict.checkpoints.newest.at})` : ''}`,
      ]
    : [
        `the audit log was tampered with: ${verdict.problemCount} ${verdict.problemCount === 1 ? 'problem' : 'problems'}`,
        ...verdict.problems.map((problem) => `  - ${problem.message}`),
        ...(verdict.problemCount > verdict.problems.length
          ? [`  - and ${verdict.problemCount - verdict.problems.length} more`]
          : []),
      ];
  for (const part of verdict.unchecked) lines.push(`not checked: ${part}`);
  return `${lines.join('\n')}\n`;
}
