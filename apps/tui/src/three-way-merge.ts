import { isDeepStrictEqual } from 'node:util';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isRecord = (value: unknown): value is Record<string, Json> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Each element's id, when every element is an object with a string `id`: such lists merge by id. */
function idsOf(list: readonly Json[]): string[] | undefined {
  const ids = list.map((element) =>
    isRecord(element) && typeof element.id === 'string' ? element.id : undefined,
  );
  return ids.every((id) => id !== undefined) ? (ids as string[]) : undefined;
}

/**
 * What two copies of one document become when each changed it since `base`: every change either
 * made is kept; where both changed the same value (or the same object of a list), `ours` wins.
 * Objects merge key by key; lists of objects with an `id` (users, a job's target objects) merge
 * object by object, so two processes that each provisioned someone keep both. Other lists are values.
 *
 * Written here rather than taken from a library: the JSON merge libraries on npm merge lists by
 * position, which would pair different people's objects.
 */
export function mergeThreeWay(base: Json | undefined, ours: Json, theirs: Json): Json {
  if (isDeepStrictEqual(ours, theirs)) return ours;
  if (base !== undefined && isDeepStrictEqual(ours, base)) return theirs;
  if (base !== undefined && isDeepStrictEqual(theirs, base)) return ours;
  if (isRecord(ours) && isRecord(theirs)) {
    const old = isRecord(base) ? base : {};
    const merged: Record<string, Json> = {};
    for (const key of new Set([...Object.keys(theirs), ...Object.keys(ours)])) {
      const value = mergeMember(old[key], ours[key], theirs[key], key in old);
      if (value !== undefined) merged[key] = value;
    }
    return merged;
  }
  if (Array.isArray(ours) && Array.isArray(theirs)) {
    const ourIds = idsOf(ours);
    const theirIds = idsOf(theirs);
    const old = Array.isArray(base) ? base : [];
    const oldIds = idsOf(old);
    if (ourIds && theirIds && oldIds) {
      const byId = (list: Json[], ids: string[]) => new Map(ids.map((id, index) => [id, list[index]!]));
      const [oldById, ourById, theirById] = [byId(old, oldIds), byId(ours, ourIds), byId(theirs, theirIds)];
      const merged: Json[] = [];
      for (const id of new Set([...theirIds, ...ourIds])) {
        const value = mergeMember(oldById.get(id), ourById.get(id), theirById.get(id), oldById.has(id));
        if (value !== undefined) merged.push(value);
      }
      return merged;
    }
  }
  return ours;
}

/** One key or id: present in either, added or removed by either since the base. */
function mergeMember(
  base: Json | undefined,
  ours: Json | undefined,
  theirs: Json | undefined,
  wasThere: boolean,
) {
  if (ours === undefined && theirs === undefined) return undefined;
  if (ours === undefined) {
    // We removed it (it was there) unless they changed it since; or only they have it (added).
    return wasThere && isDeepStrictEqual(theirs, base) ? undefined : theirs;
  }
  if (theirs === undefined) return wasThere && isDeepStrictEqual(ours, base) ? undefined : ours;
  return mergeThreeWay(wasThere ? base : undefined, ours, theirs);
}
