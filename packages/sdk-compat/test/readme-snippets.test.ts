import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const SNIPPET_BLOCK = /<!-- snippet: (\S+) -->\n```ts\n([\s\S]*?)```/g;

const shown = ['apps/proxy/README.md', 'packages/simulator/README.md'].flatMap((readme) =>
  [...read(readme).matchAll(SNIPPET_BLOCK)].map(([, file, code]) => ({ readme, file: file!, code: code! })),
);

// The READMEs show these files whole; the other tests here run them against the proxy and the simulator.
describe('the README snippets are the code these tests run', () => {
  it('shows each snippet where a reader looks for it', () => {
    expect(shown.map(({ readme, file }) => `${readme}: ${file}`)).toEqual([
      'apps/proxy/README.md: packages/sdk-compat/snippets/graph-js-sdk-proxy.ts',
      'apps/proxy/README.md: packages/sdk-compat/snippets/kiota-proxy.ts',
      'packages/simulator/README.md: packages/sdk-compat/snippets/simulator-clients.ts',
    ]);
  });

  it.each(shown)(
    '$readme shows $file as it is (pnpm --filter @ondemand/sdk-compat snippets copies it)',
    ({ file, code }) => {
      expect(code).toBe(read(file));
    },
  );
});
