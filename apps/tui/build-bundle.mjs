// Bundles the `ondemand` command into a few files so that it starts fast: resolving and reading
// Ink, React and their hundreds of modules one by one costs ~0.4 s before the first frame; from one
// bundle it is a fraction. What a command loads on use (Graph's client, the simulator, the audit
// log's verifier) stays in its own chunk, loaded when that command runs.
import { build } from 'esbuild';

await build({
  entryPoints: { cli: 'src/cli.ts' },
  outdir: 'dist/bin',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  conditions: ['@ondemand/source'],
  // The audit log's database drivers (optional: a native SQLite driver, pg) and Ink's devtools hook
  // are loaded only if there.
  external: ['react-devtools-core', 'better-sqlite3', 'pg', 'ioredis'],
  // Some dependencies are CommonJS and call require(): give the bundle one.
  banner: {
    js: "import { createRequire as __ondemandRequire } from 'node:module'; const require = __ondemandRequire(import.meta.url);",
  },
  // React's production build: its development one is slower and noisy.
  define: { 'process.env.NODE_ENV': '"production"' },
  legalComments: 'none',
  logLevel: 'warning',
});
