import type { AuditAction, AuditEntry, AuditFields } from '@ondemand/audit-log';
import type { Metrics } from '../metrics.js';
import type { AuditQuery, AuditStore } from './audit-store.js';
import type { Checkpointer } from './checkpointer.js';
import type { OutcomeSpool } from './outcome-spool.js';

/** The audit log could not be written: the proxy fails closed (503, nothing forwarded). */
export class AuditUnavailable extends Error {
  constructor(cause: unknown) {
    super('the audit log cannot be written', { cause });
  }
}

/** Who an entry is about: the caller and the request id that ties its entries together. */
export interface AuditContext {
  principal: string | null;
  requestId: string;
}

export interface AuditLogOptions {
  store: AuditStore;
  metrics: Metrics;
  now: () => Date;
  /** A log line at a level (never with a secret: store errors carry none). */
  say: (level: 'warn' | 'error', message: string) => void;
  checkpointer?: Checkpointer | undefined;
  spool: OutcomeSpool;
}

/**
 * The proxy's one way into the audit log. An entry that cannot be written stops what it was
 * written for ({@link AuditUnavailable}: fail closed), is counted, and its cause is logged; an
 * outcome of a call Graph has answered is never lost: kept on local disk until the store takes it.
 */
export class AuditLog {
  #failure: string | undefined;

  constructor(private readonly options: AuditLogOptions) {}

  /** Entries matching the query, in order (the auditors' reads). */
  query(query: AuditQuery): Promise<AuditEntry[]> {
    return this.options.store.queryAudit(query);
  }

  /** One consistent, read-only snapshot of the whole log, for verification and export; close it after. */
  openChain(): ReturnType<AuditStore['openChain']> {
    return this.options.store.openChain();
  }

  /** An entry with the defaults filled in. */
  entry(action: AuditAction, who: AuditContext, fields: Partial<AuditFields> = {}): AuditFields {
    return {
      at: this.options.now().toISOString(),
      action,
      principal: who.principal,
      requestId: who.requestId,
      graphRequestId: null,
      servicePrincipalId: null,
      jobId: null,
      subject: null,
      detail: {},
      ...fields,
    };
  }

  /** Writes entries in one transaction (one disk sync), or throws {@link AuditUnavailable}. */
  async append(entries: AuditFields[]): Promise<void> {
    try {
      const head = await this.options.store.appendAudit(entries);
      if (this.#failure) this.options.say('warn', 'the audit log can be written again');
      this.#failure = undefined;
      this.options.checkpointer?.appended(head);
    } catch (error) {
      this.options.metrics.auditWriteFailures.inc();
      const cause = (error as Error).message ?? String(error);
      if (cause !== this.#failure)
        this.options.say(
          'error',
          `the audit log cannot be written (${cause}); nothing is forwarded until it can`,
        );
      this.#failure = cause;
      throw new AuditUnavailable(error);
    }
  }

  /**
   * The outcome of a call Graph has answered: written, or, when the store cannot take it, kept in the
   * spool (and written by a later {@link flushSpool}). Never throws: the caller gets Graph's answer.
   */
  async appendOutcome(fields: AuditFields): Promise<void> {
    try {
      await this.append([fields]);
    } catch {
      try {
        await this.options.spool.keep(fields);
        this.options.say(
          'warn',
          `the outcome of request ${fields.requestId} is kept in ${this.options.spool.path} until the audit log can be written`,
        );
      } catch (error) {
        // The last place left: the log, so that what Graph did is written down somewhere.
        this.options.say(
          'error',
          `the outcome of request ${fields.requestId} could not be kept anywhere (${(error as Error).message}): ${JSON.stringify(fields)}`,
        );
      }
    }
  }

  /** Writes the outcomes kept while the store was away; quietly leaves them if it still is. */
  async flushSpool(): Promise<void> {
    try {
      const written = await this.options.spool.flush(
        (entries) => this.append(entries),
        () => this.options.store.forwardsWithoutOutcome(),
        (refused) => {
          for (const { line, why } of refused)
            this.options.say(
              'error',
              `the outcome spool's line ${line} is not one this proxy kept (${why}): it was not written to the audit log (copied to ${this.options.spool.path}.refused)`,
            );
        },
      );
      if (written > 0)
        this.options.say('warn', `${written} kept outcome entries were written to the audit log`);
    } catch {
      // Still away: the next flush tries again.
    }
  }

  /**
   * After a restart: the forwards this replica wrote without an outcome (the process died while
   * Graph had them) get one that says the outcome is unknown. Kept outcomes are written first.
   */
  async recordLostOutcomes(replica: string): Promise<number> {
    await this.flushSpool();
    const lost = (await this.options.store.forwardsWithoutOutcome()).filter(
      (forward) => (forward.detail.replica ?? 'default') === replica,
    );
    const byRequest = new Map(lost.map((forward) => [forward.requestId, forward]));
    if (byRequest.size === 0) return 0;
    await this.append(
      [...byRequest.values()].map((forward) =>
        this.entry(
          'outcome',
          { principal: forward.principal, requestId: forward.requestId },
          {
            servicePrincipalId: forward.servicePrincipalId,
            jobId: forward.jobId,
            subject: forward.subject,
            detail: {
              status: null,
              sent: 'unknown',
              note: 'the proxy stopped after sending this call, before Graph answered or before the answer was recorded: it may have run',
              ...(forward.detail.approval ? { approval: forward.detail.approval } : {}),
            },
          },
        ),
      ),
    );
    return byRequest.size;
  }

  /** Why the last write failed, while it keeps failing (for readiness). */
  get failure(): string | undefined {
    return this.#failure;
  }
}
