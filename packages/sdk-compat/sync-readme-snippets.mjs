// Copies each snippet into the READMEs that show it: the block after `<!-- snippet: PATH -->`.
// `pnpm --filter @ondemand/sdk-compat snippets` after editing a snippet; the tests check they agree.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '../..');
const README_WITH_SNIPPETS = ['apps/proxy/README.md', 'packages/simulator/README.md'];
const SNIPPET_BLOCK = /<!-- snippet: (\S+) -->\n```ts\n([\s\S]*?)```/g;

for (const readme of README_WITH_SNIPPETS) {
  const path = join(root, readme);
  const text = readFileSync(path, 'utf8');
  const synced = text.replace(
    SNIPPET_BLOCK,
    (_, file) => `<!-- snippet: ${file} -->\n\`\`\`ts\n${readFileSync(join(root, file), 'utf8')}\`\`\``,
  );
  if (synced !== text) writeFileSync(path, synced);
}
