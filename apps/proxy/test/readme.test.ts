import { readFileSync } from 'node:fs';
import { AUDIT_ACTION_MEANINGS } from '@ondemand/core';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseConfig } from '../src/index.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const yamlBlocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map(([, text]) => text!);

describe('the README', () => {
  it('shows a config that the proxy takes as it is', () => {
    expect(yamlBlocks.length).toBeGreaterThan(0);
    for (const text of yamlBlocks) parseConfig(parseYaml(text), 'the README config');
  });
});

describe('the README’s audit actions', () => {
  it('lists every action the log records, with when it is written', () => {
    for (const [action, meaning] of Object.entries(AUDIT_ACTION_MEANINGS))
      expect(readme).toContain(`  - \`${action}\`: ${meaning}\n`);
  });
});
