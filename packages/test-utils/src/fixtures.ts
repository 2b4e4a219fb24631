import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** A documented request/response pair, as stored in `fixtures/documented/`. */
export interface DocumentedExample {
  file: string;
  title: string;
  request: { method: string; url: string; body: unknown };
  response: { status: number; body: { key: string; value: string; [field: string]: unknown } };
}

/** The repository's `fixtures/` folder. */
export const fixturesDir = fileURLToPath(new URL('../../../fixtures/', import.meta.url));

/** The three documented examples of the API reference, in file order. */
export function documentedExamples(): DocumentedExample[] {
  const dir = `${fixturesDir}documented/`;
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({ file, ...JSON.parse(readFileSync(dir + file, 'utf8')) }));
}

/** One documented example by its number (1, 2 or 3). */
export function documentedExample(number: 1 | 2 | 3): DocumentedExample {
  return documentedExamples()[number - 1]!;
}
