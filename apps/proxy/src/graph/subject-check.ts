import { TransportError } from '@ondemand/transport';
import type { ProxyContext } from '../app/context.js';
import { invalidInput, ProxyError } from '../http/proxy-error.js';
import type { Target } from './provision-target.js';
import { type DirectoryEntry, entraObjectIds, typeMismatches } from './subject-directory.js';

/**
 * What the directory says each Entra subject is; refuses one whose declared type is not that (a group
 * sent as a `User`). With `policy.checkSubjectTypes: false`, nothing is looked up.
 */
export async function subjectTypes(
  ctx: Pick<ProxyContext, 'config' | 'subjects'>,
  { body, apiVersion, servicePrincipalId }: Target,
): Promise<{ directory: Map<string, DirectoryEntry>; reads: ProxyRead[] }> {
  const ids = entraObjectIds(body);
  if (!ctx.config.policy.checkSubjectTypes || ids.length === 0) return { directory: new Map(), reads: [] };
  let directory: Map<string, DirectoryEntry>;
  let reads: ProxyRead[];
  try {
    // The app too, in the same call: its name goes into the audit entry beside the subjects'.
    const found = await ctx.subjects.lookup([...ids, servicePrincipalId], apiVersion);
    directory = found.entries;
    reads =
      found.asked > 0
        ? [{ call: 'POST /directoryObjects/getByIds', for: 'subject types', objects: found.asked }]
        : [];
  } catch (error) {
    if (!(error instanceof TransportError)) throw error;
    // The permission is the fix only when Graph refused the read; a sign-in or a network failure
    // says its own cause (a DNS failure was followed by advice about permissions).
    const refused = error.details.status === 403;
    throw new ProxyError(
      502,
      'BadGateway',
      `The proxy could not ask the directory what the subjects are, so nothing was sent (${error.message}).${refused ? ' Its Graph app needs Directory.Read.All, or User.Read.All and Group.Read.All.' : ''}`,
      {},
      { cause: error },
    );
  }
  const mismatches = typeMismatches(body, directory);
  if (mismatches.length > 0) throw invalidInput(mismatches, 'Invalid request');
  return { directory, reads };
}

/** A Graph read the proxy made with its own permissions for a request, as its audit entries record it. */
export type ProxyRead = { call: string; for: string; objects?: number; failed?: true };
