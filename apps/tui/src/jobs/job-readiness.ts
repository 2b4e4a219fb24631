import { remedyFor, type SynchronizationJobView } from '@ondemand/core';

/**
 * Whether a provisionOnDemand can work on a job as it is, before a call is spent: a job in
 * quarantine cannot reach its app (its credentials or the app are what failed), and a job not
 * configured has nothing to provision with, so neither is sent to (`send: false`). A paused or
 * never-started job is named but sent to: whether Graph provisions on demand while the regular cycle
 * is off is not documented, and the portal offers it. `undefined`: nothing to say.
 */
export function jobReadiness(job: SynchronizationJobView): { send: boolean; why: string } | undefined {
  switch (job.health) {
    case 'active':
      return undefined;
    case 'quarantined': {
      const remedy = remedyFor(job.quarantine?.error?.code) ?? remedyFor(job.quarantine?.reason);
      return {
        send: false,
        why: `the job is in quarantine (${job.quarantine?.reason ?? 'reason not given'}; next attempt ${job.quarantine?.nextAttempt ?? 'not scheduled'})${remedy ? `: ${remedy.whatToDo}` : ''}`,
      };
    }
    case 'notConfigured':
      return {
        send: false,
        why: 'the job is not configured (credentials, mappings): set it up in the admin center',
      };
    case 'paused':
      return {
        send: true,
        why: 'the job is paused: the regular cycle will not keep this up to date until ondemand jobs start',
      };
    case 'notRun':
      return {
        send: true,
        why: 'the job has never been started: the regular cycle will not keep this up to date until ondemand jobs start',
      };
    default:
      return {
        send: true,
        why: 'the job is in a state this tool does not know: ondemand jobs status shows it',
      };
  }
}
