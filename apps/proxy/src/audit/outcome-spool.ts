import type { AuditEntry, AuditFields } from '@ondemand/audit-log';
import { SealedLineFile } from '../spool/sealed-line-file.js';

/** Why a spool line was not written to the audit log. */
export type RefusedLine = { line: number; why: string };

/**
 * Outcome entries the store could not take when Graph had answered, kept in a local file (synced
 * to disk, each line sealed with a MAC: see {@link SealedLineFile}) until it can. The caller already
 * has Graph's answer, so this outcome must not be lost. A line is written back only as the outcome
 * of a call a `forward` entry says was sent and that has no outcome yet (same request, principal,
 * app and job).
 */
export class OutcomeSpool {
  readonly #file: SealedLineFile<AuditFields>;

  constructor(path: string, macKey?: Buffer) {
    this.#file = new SealedLineFile(path, macKey);
  }

  get path(): string {
    return this.#file.path;
  }

  /** Keeps an outcome on this machine's disk. */
  keep(fields: AuditFields): Promise<void> {
    return this.#file.append(fields);
  }

  /**
   * Hands `write` the kept outcomes that answer a call still waiting for one (`waiting`: the forward
   * entries without an outcome), empties the file, and copies the lines it refused to `PATH.refused`
   * for whoever looks into it. If `write` fails, everything stays for the next flush.
   */
  flush(
    write: (entries: AuditFields[]) => Promise<void>,
    waiting: () => Promise<AuditEntry[]>,
    onRefused: (refused: RefusedLine[]) => void = () => {},
  ): Promise<number> {
    return this.#file.serial(async () => {
      const { values, refused } = await this.#file.read();
      if (values.length === 0 && refused.length === 0) return 0;
      const forwards = values.length > 0 ? await waiting() : [];
      const accepted = new Map<string, AuditFields>();
      for (const { line, value: entry } of values) {
        const sent = forwards.some(
          (forward) =>
            forward.requestId === entry.requestId &&
            forward.principal === entry.principal &&
            forward.servicePrincipalId === entry.servicePrincipalId &&
            forward.jobId === entry.jobId,
        );
        if (entry.action !== 'outcome' || !sent)
          refused.push({
            line,
            why: 'it matches no call that was sent and still waits for its outcome',
            text: JSON.stringify(entry),
          });
        else if (!accepted.has(entry.requestId)) accepted.set(entry.requestId, entry);
      }
      if (accepted.size > 0)
        await write(
          [...accepted.values()].map((fields) => ({
            ...fields,
            detail: { ...fields.detail, spooled: true },
          })),
        );
      await this.#file.clear(refused);
      if (refused.length > 0) onRefused(refused.map(({ line, why }) => ({ line, why })));
      return accepted.size;
    });
  }
}
