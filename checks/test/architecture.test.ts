import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@ondemand/test-utils';
import { describe, expect, it } from 'vitest';

/**
 * The arrows of docs/architecture.md: which workspace package each one may use at run time. Tests,
 * benchmarks and devDependencies may use anything.
 */
const allowed: Record<string, string[]> = {
  '@ondemand/core': [],
  '@ondemand/audit-log': ['@ondemand/core'],
  '@ondemand/http-body': [],
  '@ondemand/transport': ['@ondemand/core'],
  '@ondemand/limiter-redis': ['@ondemand/core'],
  '@ondemand/simulator': ['@ondemand/core', '@ondemand/http-body'],
  '@ondemand/tui': ['@ondemand/core', '@ondemand/transport', '@ondemand/simulator', '@ondemand/audit-log'],
  '@ondemand/proxy': [
    '@ondemand/core',
    '@ondemand/audit-log',
    '@ondemand/http-body',
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
    optionalDependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
  },
}));

/** What a workspace may load at run time: its dependencies, optional ones and peers alike. */
function runtimeDependencies(manifest: (typeof manifests)[number]['manifest']): string[] {
  return Object.keys({
    ...manifest.dependencies,
    ...manifest.optionalDependencies,
    ...manifest.peerDependencies,
  });
}

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

/** Everything a file loads: its static imports and its dynamic `import('…')`s (type-only `typeof import` too). */
function allImports(text: string): string[] {
  return [
    ...staticImports(text),
    ...[...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)].map((match) => match[1]!),
  ];
}

describe('the architecture', () => {
  it.each(
    manifests
      .filter(({ manifest }) => allowed[manifest.name])
      .map(({ manifest, dir }) => [manifest.name, dir]),
  )(
    '%s depends only along the arrows, in package.json (optional and peer too) and in its imports (dynamic too)',
    (name, dir) => {
      const { manifest } = manifests.find((each) => each.dir === dir)!;
      const runtime = runtimeDependencies(manifest).filter((dependency) =>
        dependency.startsWith('@ondemand/'),
      );
      expect(runtime.filter((dependency) => !allowed[name]!.includes(dependency))).toEqual([]);
      const imported = sources(dir).flatMap(({ file, text }) =>
        allImports(text)
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
    },
  );

  it('has no package depend on an app, in package.json or in its imports', () => {
    const apps = manifests.filter(({ dir }) => dir.includes('/apps/')).map(({ manifest }) => manifest.name);
    const offenders = manifests
      .filter(({ dir }) => dir.includes('/packages/'))
      .flatMap(({ manifest, dir }) => [
        ...runtimeDependencies(manifest)
          .filter((dependency) => apps.includes(dependency))
          .map((dependency) => `${manifest.name} depends on ${dependency}`),
        ...sources(dir).flatMap(({ file, text }) =>
          allImports(text)
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

  it("keeps the proxy's concepts off its wiring and its backends: store/ never, app/ only for the request context", () => {
    const proxy = manifests.find(({ manifest }) => manifest.name === '@ondemand/proxy')!;
    const concepts =
      /^\/?apps\/proxy\/src\/(graph|forward|approvals|idempotency|audit|auth|policy|http|config|spool)\//;
    const reaches = sources(proxy.dir)
      .filter(({ file }) => concepts.test(file))
      .flatMap(({ file, text }) =>
        allImports(text)
          .filter((specifier) => /\/(store|app)\//.test(specifier) && !specifier.endsWith('/app/context.js'))
          .map((specifier) => `${file}: ${specifier}`),
      );
    expect(reaches).toEqual([]);
  });

  it("crosses every package's exports map: no file imports another workspace's files by path", () => {
    const byPath = workspaces.flatMap((dir) =>
      sources(dir).flatMap(({ file, text }) =>
        allImports(text)
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
