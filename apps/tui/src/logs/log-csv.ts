import type { ProvisioningLogEntry } from '@ondemand/core';

/** One CSV field: quoted when it holds a comma, a quote or a line break (RFC 4180); a formula is defused. */
function field(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  // A cell starting with = + - @ is run as a formula by spreadsheets: names come from the directory.
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function table(header: string[], rows: unknown[][]): string {
  return `${[header, ...rows].map((row) => row.map(field).join(',')).join('\r\n')}\r\n`;
}

/**
 * Entries as the portal's CSV download splits them: a summary row per entry, its steps, its modified
 * properties, joined by the entry's id. Written by hand: three small tables need no CSV library.
 */
export function logCsvFiles(
  entries: ProvisioningLogEntry[],
): Record<'summary' | 'steps' | 'modified-properties', string> {
  return {
    summary: table(
      [
        'id',
        'activityDateTime',
        'jobId',
        'cycleId',
        'changeId',
        'action',
        'status',
        'verdict',
        'errorCode',
        'skipReason',
        'reason',
        'sourceId',
        'sourceName',
        'sourceType',
        'targetId',
        'targetName',
        'app',
        'durationInMilliseconds',
      ],
      entries.map((entry) => [
        entry.id,
        entry.activityDateTime,
        entry.jobId,
        entry.cycleId,
        entry.changeId,
        entry.action,
        entry.status,
        entry.verdict,
        entry.errorCode,
        entry.skipReason,
        entry.reason,
        entry.sourceIdentity?.id,
        entry.sourceIdentity?.displayName,
        entry.sourceIdentity?.identityType,
        entry.targetIdentity?.id,
        entry.targetIdentity?.displayName,
        entry.servicePrincipal?.displayName ?? entry.servicePrincipal?.id,
        entry.durationInMilliseconds,
      ]),
    ),
    steps: table(
      ['id', 'step', 'name', 'type', 'status', 'description'],
      entries.flatMap((entry) =>
        entry.steps.map((step, index) => [
          entry.id,
          index + 1,
          step.name,
          step.type,
          step.status,
          step.description,
        ]),
      ),
    ),
    'modified-properties': table(
      ['id', 'name', 'oldValue', 'newValue'],
      entries.flatMap((entry) =>
        entry.modifiedProperties.map((property) => [
          entry.id,
          property.name,
          property.oldValue,
          property.newValue,
        ]),
      ),
    ),
  };
}
