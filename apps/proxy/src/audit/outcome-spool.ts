import { createHmac, timingSafeEqual } from 'node:crypto';
import { appendFile, open, readFile, truncate } from 'node:fs/promises';
import { type AuditEntry, type AuditFields, canonicalJson } from '@ondemand/audit-log';

/** Why a spool line was not written to the audit log. */
export type RefusedLine = { line: number; why: string };

/**
 * Outcome entries the store could not take when Graph had answered, kept in a local file (synced
 * to disk) until it can. The caller already has Graph's answer, so this outcome must not be lost.
 *
 * What the file holds is not believed as it stands, since whoever can write its folder could add to
 * it: each line carries a MAC under a key that is not kept beside it (derived from the audit signing
 * key; without one, lines carry none and only the next check guards them), and a line is written
 * back only as the outcome of a call a `forward` entry says was sent and that has no outcome yet
 * (same request, principal, app and job). Each line starts on a new line, so one torn by a crash is
 * skipped, never joined to the next.
 */
export class OutcomeSpool {
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly path: string,
    private readonly macKey?: Buffer,
  ) {}

  /** Keeps an outcome on this machine's disk. */
  keep(fields: AuditFields): Promise<void> {
    return this.#serial(async () => {
      const file = await open(this.path, 'a', 0o640);
      try {
        // The leading newline ends a line a crash may have cut off, so this one stands alone.
        await file.appendFile(`\n${JSON.stringify({ entry: fields, mac: this.#mac(fields) })}\n`);
        await file.sync();
      } finally {
        await file.close();
      }
    });
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
    return this.#serial(async () => {
      const lines = await this.#lines();
      if (lines.length === 0) return 0;
      const forwards = await waiting();
      const refused: Array<RefusedLine & { text: string }> = [];
      const accepted = new Map<string, AuditFields>();
      for (const { number, text } of lines) {
        const read = this.#read(text);
        if (!read.ok) {
          refused.push({ line: number, why: read.why, text });
          continue;
        }
        const entry = read.entry;
        const sent = forwards.some(
          (forward) =>
            forward.requestId === entry.requestId &&
            forward.principal === entry.principal &&
            forward.servicePrincipalId === entry.servicePrincipalId &&
            forward.jobId === entry.jobId,
        );
        if (entry.action !== 'outcome' || !sent)
          refused.push({
            line: number,
            why: 'it matches no call that was sent and still waits for its outcome',
            text,
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
      if (refused.length > 0) {
        await appendFile(`${this.path}.refused`, refused.map((each) => `${each.text}\n`).join(''), {
          mode: 0o640,
        });
        onRefused(refused.map(({ line, why }) => ({ line, why })));
      }
      await truncate(this.path, 0);
      return accepted.size;
    });
  }

  #mac(fields: AuditFields): string | undefined {
    return this.macKey && createHmac('sha256', this.macKey).update(canonicalJson(fields)).digest('base64');
  }

  /** A line as the proxy wrote it, or why it is not one. */
  #read(text: string): { ok: true; entry: AuditFields } | { ok: false; why: string } {
    let parsed: { entry?: AuditFields; mac?: unknown };
    try {
      parsed = JSON.parse(text);
    } catch {
      // A line cut off by a crash mid-write: it never synced, and its call's forward stays unanswered.
      return { ok: false, why: 'it is not a whole line (cut off by a crash?)' };
    }
    if (!parsed?.entry || typeof parsed.entry !== 'object') return { ok: false, why: 'it holds no entry' };
    if (this.macKey) {
      const expected = Buffer.from(this.#mac(parsed.entry)!, 'base64');
      const given = Buffer.from(typeof parsed.mac === 'string' ? parsed.mac : '', 'base64');
      if (given.length !== expected.length || !timingSafeEqual(given, expected))
        return { ok: false, why: 'its MAC is not one this proxy made' };
    }
    return { ok: true, entry: parsed.entry };
  }

  async #lines(): Promise<Array<{ number: number; text: string }>> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return text
      .split('\n')
      .map((line, index) => ({ number: index + 1, text: line }))
      .filter((line) => line.text.trim() !== '');
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(work, work);
    this.#queue = run.catch(() => {});
    return run;
  }
}
