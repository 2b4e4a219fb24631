import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@ondemand/test-utils';
import { describe, expect, it } from 'vitest';

const names = new Set(
  ['packages', 'apps', '.']
    .flatMap((group) =>
      group === '.'
        ? ['bench', 'checks']
        : readdirSync(join(repoRoot, group)).map((name) => join(group, name)),
    )
    .map(
      (dir) =>
        (JSON.parse(readFileSync(join(repoRoot, dir, 'package.json'), 'utf8')) as { name: string }).name,
    ),
);

describe('the changesets', () => {
  it('all parse, and name only packages of this workspace', async () => {
    const { default: parse } = await import('@changesets/parse');
    const dir = join(repoRoot, '.changeset');
    const files = readdirSync(dir).filter((name) => name.endsWith('.md') && name !== 'README.md');
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const changeset = parse(readFileSync(join(dir, file), 'utf8'));
      expect(changeset.releases.length, file).toBeGreaterThan(0);
      for (const release of changeset.releases)
        expect(names.has(release.name), `${file}: ${release.name}`).toBe(true);
      expect(changeset.summary.trim(), file).not.toBe('');
    }
  });
});
