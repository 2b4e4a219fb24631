import type { ApiVersion, InputIssue, ProvisionOnDemandRequest } from '@ondemand/core';
import type { GraphClient } from '@ondemand/transport';
import { isEntraObject, namedObjects, needsDirectoryCheck } from '../policy/subjects.js';

/** What the directory says an object is. */
export interface DirectoryEntry {
  type: string;
  displayName: string | null;
}

const CACHE_SIZE = 10_000;
const CACHE_MS = 10 * 60_000;

/**
 * Asks the directory what the Entra objects of a request are (one `getByIds` for all of them), so the
 * policy judges a group as a group even when it is sent as a `User`. An object's type never changes;
 * names may, so entries are kept for ten minutes.
 */
export class SubjectDirectory {
  readonly #cache = new Map<string, DirectoryEntry & { until: number }>();

  constructor(
    private readonly graph: GraphClient,
    private readonly now: () => number = Date.now,
  ) {}

  /** The entries found, and how many ids Graph was asked about (the rest were known): for the audit. */
  async lookup(
    ids: string[],
    apiVersion: ApiVersion,
  ): Promise<{ entries: Map<string, DirectoryEntry>; asked: number }> {
    const found = new Map<string, DirectoryEntry>();
    const missing: string[] = [];
    for (const id of new Set(ids)) {
      const cached = this.#cache.get(id);
      if (cached && cached.until > this.now()) found.set(id, cached);
      else missing.push(id);
    }
    if (missing.length > 0) {
      for (const object of await this.graph.getDirectoryObjects(missing, { apiVersion })) {
        const entry = { type: object.type, displayName: object.displayName ?? null };
        found.set(object.id.toLowerCase(), entry);
        if (this.#cache.size >= CACHE_SIZE) this.#cache.delete(this.#cache.keys().next().value!);
        this.#cache.set(object.id.toLowerCase(), { ...entry, until: this.now() + CACHE_MS });
      }
    }
    return { entries: found, asked: missing.length };
  }
}

/** The Entra object ids a request names (canonical already). */
export function entraObjectIds(body: ProvisionOnDemandRequest): string[] {
  return namedObjects(body)
    .filter(needsDirectoryCheck)
    .map((object) => object.objectId.toLowerCase());
}

/**
 * Objects whose declared type is not what the directory says (a group sent as a `User`); objects the
 * directory does not have are left to Graph, which answers them as not found.
 */
export function typeMismatches(
  body: ProvisionOnDemandRequest,
  directory: Map<string, DirectoryEntry>,
): InputIssue[] {
  return namedObjects(body).flatMap((object) => {
    if (!needsDirectoryCheck(object)) return [];
    const entry = directory.get(object.objectId.toLowerCase());
    // An Entra object's type must match; an AD `user` or a `Worker` must not be an Entra object at all.
    const declared = isEntraObject(object) ? object.objectTypeName.toLowerCase() : undefined;
    if (!entry || entry.type.toLowerCase() === declared) return [];
    return [
      {
        path: `${object.path}.objectTypeName`,
        message: `${object.objectId} is a ${entry.type} in the directory, not a ${object.objectTypeName}: send it with objectTypeName "${entry.type === 'group' ? 'Group' : entry.type === 'user' ? 'User' : entry.type}"`,
      },
    ];
  });
}
