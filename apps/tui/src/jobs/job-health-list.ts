import type { AppJobHealth } from '@ondemand/transport';

/** What changed between two readings of a job, in words; empty when nothing an operator watches did. */
export function healthChanges(before: AppJobHealth | undefined, after: AppJobHealth): string[] {
  if (!before) return [];
  const changes: string[] = [];
  if (before.health !== after.health) changes.push(`${before.health} → ${after.health}`);
  if (before.quarantine?.reason !== after.quarantine?.reason && after.quarantine)
    changes.push(`quarantine: ${after.quarantine.reason ?? 'reason not given'}`);
  if (before.quarantine?.nextAttempt !== after.quarantine?.nextAttempt && after.quarantine?.nextAttempt)
    changes.push(`next attempt ${after.quarantine.nextAttempt}`);
  const last = after.lastExecution;
  if (last && last.ended !== before.lastExecution?.ended)
    changes.push(
      `cycle ${last.state ?? 'ended'}${last.error?.code ? ` (${last.error.code})` : ''}: imported ${last.countImported ?? 0}, exported ${last.countExported ?? 0}, escrowed ${last.countEscrowed ?? 0}`,
    );
  return changes;
}
