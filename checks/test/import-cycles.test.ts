import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { repoRoot } from '@ondemand/test-utils';
import { describe, expect, it } from 'vitest';

/**
 * No module imports itself through others, type-only imports included: a cycle is two modules that
 * cannot be understood, moved or tested one without the other. Written by hand (a regular expression
 * over the import lines and Tarjan's algorithm) because the tools that do this (madge, dpdm) bring a
 * TypeScript parser of their own for what these forty lines do over our one import style.
 */
const workspaces = ['packages', 'apps'].flatMap((group) =>
  readdirSync(join(repoRoot, group))
    .map((name) => join(repoRoot, group, name, 'src'))
    .filter((dir) => existsSync(dir)),
);

function modules(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return modules(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

/** The modules of the same workspace a file imports (`./x.js` is `./x.ts` or `./x.tsx`). */
function localImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [
    ...text.matchAll(/^\s*(?:import|export)\s[^'";]*?from\s*['"](\.[^'"]+)['"]/gm),
    ...text.matchAll(/\bimport\(\s*['"](\.[^'"]+)['"]\s*\)/g),
  ].map((match) => match[1]!);
  return specifiers.flatMap((specifier) => {
    const base = resolve(dirname(file), specifier).replace(/\.js$/, '');
    return ['.ts', '.tsx', '/index.ts'].map((ending) => base + ending).filter((path) => existsSync(path));
  });
}

/** Strongly connected components of more than one module, or one importing itself (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    for (let member = stack.pop()!; ; member = stack.pop()!) {
      onStack.delete(member);
      component.push(member);
      if (member === node) break;
    }
    if (component.length > 1 || graph.get(node)?.includes(node)) found.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

describe('the modules', () => {
  it.each(workspaces.map((dir) => [relative(repoRoot, dirname(dir)), dir]))(
    'of %s import one another without a cycle (type-only imports too)',
    (_, dir) => {
      const graph = new Map(modules(dir).map((file) => [file, localImports(file)]));
      expect(cycles(graph).map((cycle) => cycle.map((file) => relative(dir, file)).join(' → '))).toEqual([]);
    },
  );

  it('finds a cycle when there is one (the check can fail)', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
    ]);
    expect(cycles(graph)).toEqual([['a', 'b', 'c']]);
  });
});
