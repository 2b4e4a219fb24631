import { formatDistinguishedName, parseDistinguishedName } from '@ondemand/core';
import type {
  Seed,
  SeedAdUser,
  SeedGroup,
  SeedJob,
  SeedServicePrincipal,
  SeedUser,
  TargetObject,
} from './seed/seed-schema.js';

/** A synchronization job with the directory it provisions into. */
export interface JobState {
  servicePrincipal: SeedServicePrincipal;
  job: SeedJob;
  /** The target directory, by target object id. */
  target: Map<string, TargetObject>;
}

/**
 * Objects by their Entra object id, which Graph reads in any case (`9BB0F679-…` finds `9bb0f679-…`),
 * as a Map whose keys are compared case-insensitively.
 */
export class ObjectIdMap<Value> extends Map<string, Value> {
  override get(id: string): Value | undefined {
    return super.get(id.toLowerCase());
  }
  override has(id: string): boolean {
    return super.has(id.toLowerCase());
  }
  override set(id: string, value: Value): this {
    return super.set(id.toLowerCase(), value);
  }
  override delete(id: string): boolean {
    return super.delete(id.toLowerCase());
  }
}

/**
 * The simulated tenant's live state: the seed's objects, which tests may edit, and each job's target
 * directory, which provisioning fills. `reset()` returns to the seed.
 */
export class Tenant {
  readonly seed: Seed;
  users = new ObjectIdMap<SeedUser>();
  groups = new ObjectIdMap<SeedGroup>();
  /** Keyed by normalized distinguished name, so `CN=a, OU=b` and `cn=a,ou=b` find the same user. */
  adUsers = new Map<string, SeedAdUser>();
  servicePrincipals = new ObjectIdMap<SeedServicePrincipal>();
  jobs = new Map<string, JobState>();

  constructor(seed: Seed) {
    this.seed = seed;
    this.reset();
  }

  reset(): void {
    const copy = structuredClone(this.seed);
    this.users = new ObjectIdMap(copy.users.map((user) => [user.id, user]));
    this.groups = new ObjectIdMap(copy.groups.map((group) => [group.id, group]));
    this.adUsers = new Map(copy.adUsers.map((user) => [normalizeDn(user.distinguishedName), user]));
    this.servicePrincipals = new ObjectIdMap(copy.servicePrincipals.map((sp) => [sp.id, sp]));
    this.jobs = new Map();
    for (const servicePrincipal of copy.servicePrincipals) {
      for (const job of servicePrincipal.jobs) {
        this.jobs.set(jobKey(servicePrincipal.id, job.id), {
          servicePrincipal,
          job,
          target: new Map(job.target.map((object) => [object.id, object])),
        });
      }
    }
  }

  /**
   * The tenant as it is now, as a seed: its objects as edited and each job's target directory as
   * provisioning left it. Starting a simulator from it carries the state on (the `ondemand --simulate`
   * state file); `reset()` then returns to it.
   */
  snapshot(): Seed {
    const servicePrincipals = [...this.servicePrincipals.values()].map((servicePrincipal) => ({
      ...servicePrincipal,
      jobs: servicePrincipal.jobs.map((job) => ({
        ...job,
        target: [...(this.job(servicePrincipal.id, job.id)?.target.values() ?? [])],
      })),
    }));
    return structuredClone({
      ...this.seed,
      users: [...this.users.values()],
      groups: [...this.groups.values()],
      adUsers: [...this.adUsers.values()],
      servicePrincipals,
    });
  }

  job(servicePrincipalId: string, jobId: string): JobState | undefined {
    return this.jobs.get(jobKey(servicePrincipalId, jobId));
  }

  adUser(distinguishedName: string): SeedAdUser | undefined {
    return this.adUsers.get(normalizeDn(distinguishedName));
  }

  /** Groups the user belongs to (direct membership, as on-demand provisioning evaluates it). */
  groupsOf(userId: string): SeedGroup[] {
    return [...this.groups.values()].filter((group) => group.members.includes(userId));
  }
}

function jobKey(servicePrincipalId: string, jobId: string): string {
  return `${servicePrincipalId.toLowerCase()}/${jobId}`;
}

function normalizeDn(text: string): string {
  const parsed = parseDistinguishedName(text);
  if (!parsed.ok) return text.toLowerCase();
  return formatDistinguishedName(
    parsed.value.map((part) => ({ type: part.type.toUpperCase(), value: part.value })),
  ).toLowerCase();
}
