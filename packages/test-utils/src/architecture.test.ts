import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './ready-process.js';

/**
 * The arrows of docs/architecture.md: which workspace package each one may use at run time. Tests,
 * benchmarks and devDependencies may use anything.
 */
const allowed: Record<string, string[]> = {
  '@ondemand/core': [],
  '@ondemand/transport': ['@ondemand/core'],
  '@ondemand/limiter-redis': ['@ondemand/core'],
  '@ondemand/simulator': ['@ondemand/core'],
  '@ondemand/tui': ['@ondemand/core', '@ondemand/transport', '@ondemand/simulator'],
  '@ondemand/proxy': [
    '@ondemand/core',
    '@ondemand/transport',
    '@ondemand/limiter-redis',
    '@ondemand/simulator',
  ],
};

const workspaces = ['packages', 'apps'].flatMap((group) =>
  readdirSync(join(repoRoot, group)).map((name) => join(repoRoot, group, name)),
);
const manifests = workspaces.map((dir) => ({
  dir,
  manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    name: string;
    private?: boolean;
    dependencies?: Record<string, string>;
  },
}));

/** Every non-test source file of a workspace, with its text. */
function sources(dir: string): Array<{ file: string; text: string }> {
  const walk = (at: string): string[] =>
    readdirSync(at).flatMap((name) => {
      const path = join(at, name);
      if (statSync(path).isDirectory()) return walk(path);
      return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
    });
  // A test-only workspace (the SDK compatibility tests) has no src.
  if (!existsSync(join(dir, 'src'))) return [];
  return walk(join(dir, 'src')).map((file) => ({
    file: file.slice(repoRoot.length),
    text: readFileSync(file, 'utf8'),
  }));
}

/** What a file imports statically (`import … from '…'`, `export … from '…'`), dynamic imports aside. */
function staticImports(text: string): string[] {
  return [...text.matchAll(/^\s*(?:import|export)\s[^'";]*?from\s*['"]([^'"]+)['"]/gm)].map(
    (match) => match[1]!,
  );
}

describe('the architecture', () => {
  it.each(
    manifests
      .filter(({ manifest }) => allowed[manifest.name])
      .map(({ manifest, dir }) => [manifest.name, dir]),
  )('%s depends only along the arrows, in package.json and in its imports', (name, dir) => {
    const runtime = Object.keys(
      (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies?: object })
        .dependencies ?? {},
    ).filter((dependency) => dependency.startsWith('@ondemand/'));
    expect(runtime.filter((dependency) => !allowed[name]!.includes(dependency))).toEqual([]);
    const imported = sources(dir).flatMap(({ file, text }) =>
      staticImports(text)
        .filter((specifier) => specifier.startsWith('@ondemand/'))
        .map((specifier) => `${file}: ${specifier}`),
    );
    const outside = imported.filter(
      (line) =>
        !allowed[name]!.some(
          (dependency) => line.endsWith(`: ${dependency}`) || line.includes(`: ${dependency}/`),
        ),
    );
    expect(outside).toEqual([]);
  });

  it('has no package depend on an app, in package.json or in its imports', () => {
    const apps = manifests.filter(({ dir }) => dir.includes('/apps/')).map(({ manifest }) => manifest.name);
    const offenders = manifests
      .filter(({ dir }) => dir.includes('/packages/'))
      .flatMap(({ manifest, dir }) => [
        ...Object.keys(manifest.dependencies ?? {})
          .filter((dependency) => apps.includes(dependency))
          .map((dependency) => `${manifest.name} depends on ${dependency}`),
        ...sources(dir).flatMap(({ file, text }) =>
          staticImports(text)
            .filter((specifier) => apps.some((app) => specifier === app || specifier.startsWith(`${app}/`)))
            .map((specifier) => `${file} imports ${specifier}`),
        ),
      ]);
    expect(offenders).toEqual([]);
  });

  it('keeps the simulator out of the production proxy: only the data-only seed ids, or a dynamic import for --simulate', () => {
    const proxy = manifests.find(({ manifest }) => manifest.name === '@ondemand/proxy')!;
    const loads = sources(proxy.dir).flatMap(({ file, text }) =>
      staticImports(text)
        .filter(
          (specifier) =>
            specifier.startsWith('@ondemand/simulator') && specifier !== '@ondemand/simulator/seed-ids',
        )
        .map((specifier) => `${file}: ${specifier}`),
    );
    expect(loads).toEqual([]);
  });

  it("crosses every package's exports map: no file imports another workspace's files by path", () => {
    const byPath = workspaces.flatMap((dir) =>
      sources(dir).flatMap(({ file, text }) =>
        staticImports(text)
          .filter((specifier) =>
            /^(\.\.\/)+(packages|apps)\/|^@ondemand\/[^/]+\/(src|dist)\//.test(specifier),
          )
          .map((specifier) => `${file}: ${specifier}`),
      ),
    );
    expect(byPath).toEqual([]);
  });

  it('gives every published package a README', () => {
    const missing = manifests
      .filter(({ manifest }) => !manifest.private)
      .filter(({ dir }) => !readdirSync(dir).includes('README.md'))
      .map(({ manifest }) => manifest.name);
    expect(missing).toEqual([]);
  });
});

describe('the changesets', () => {
  it('all parse, and name only packages of this workspace', async () => {
    const { default: parse } = await import('@changesets/parse');
    const names = new Set(manifests.map(({ manifest }) => manifest.name));
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
