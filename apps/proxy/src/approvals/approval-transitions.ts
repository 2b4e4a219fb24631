import type { Role } from '../auth/roles.js';
import {
  type ApprovalRecord,
  applyReview,
  applyWithdraw,
  asClaimed,
  asExpired,
  holdsClaim,
  type Review,
  type ReviewRefused,
} from './approval.js';
import type { ApprovalReads, EntriesFor } from './approval-store.js';

/** A change to one approval: the record to write (if any) and what to answer. */
export type ApprovalChange<T> = (record: ApprovalRecord | undefined) => {
  write?: ApprovalRecord | undefined;
  result: T;
};

/** What a backend keeps of approvals: records in and out, and one change to one record at a time. */
export interface ApprovalRecords extends ApprovalReads {
  /**
   * Reads the record, applies `change` and writes what it returns, in one transaction (with the row
   * locked where the database has rows to lock); with `entries`, the audit entries for what was
   * written go into the audit log in the same transaction: both or neither.
   */
  modifyApproval<T>(id: string, change: ApprovalChange<T>, entries?: EntriesFor): Promise<T>;
}

/**
 * The approval state changes, made the same way over every backend's {@link ApprovalRecords} from
 * the pure rules in `approval.ts`: a backend keeps records, this decides what each change writes.
 */
export class ApprovalTransitions {
  constructor(readonly records: ApprovalRecords) {}

  private modifyApproval<T>(id: string, change: ApprovalChange<T>, entries?: EntriesFor): Promise<T> {
    return this.records.modifyApproval(id, change, entries);
  }

  /** Adds a review, enforcing every rule; an expired approval is written as expired, then refused. */
  addReview(
    id: string,
    review: Review & { roles: Role[] },
    now: Date,
    entries?: EntriesFor,
  ): Promise<ApprovalRecord> {
    return this.#unlessRefused(id, (record) => applyReview(id, record, review, now), entries);
  }

  /** Withdraws a pending request (by its requester, or an admin): it never runs. */
  withdraw(
    id: string,
    by: { principal: string; admin: boolean },
    now: Date,
    entries?: EntriesFor,
  ): Promise<ApprovalRecord> {
    return this.#unlessRefused(id, (record) => applyWithdraw(id, record, by, now), entries);
  }

  /**
   * A change the rules may refuse: what they write is written either way (an approval found past its
   * time is stored as expired), the change's entries only when it was not refused, and a refusal is
   * thrown after.
   */
  async #unlessRefused(
    id: string,
    apply: (record: ApprovalRecord | undefined) => {
      write?: ApprovalRecord | undefined;
      refused?: ReviewRefused;
    },
    entries?: EntriesFor,
  ): Promise<ApprovalRecord> {
    let refusedHere = false;
    const { write, refused } = await this.modifyApproval(
      id,
      (record) => {
        const outcome = apply(record);
        refusedHere = outcome.refused !== undefined;
        return { write: outcome.write, result: outcome };
      },
      entries && ((written) => (refusedHere ? [] : entries(written))),
    );
    if (refused) throw refused;
    return write!;
  }

  expire(id: string, now: Date, entries?: EntriesFor): Promise<boolean> {
    return this.modifyApproval(
      id,
      (record) => {
        const expired = asExpired(record, now);
        return { write: expired, result: expired !== undefined };
      },
      entries,
    );
  }

  claimForExecution(id: string, replica: string): Promise<boolean> {
    return this.modifyApproval(id, (record) => {
      const claim = asClaimed(record, replica);
      return { write: claim, result: claim !== undefined };
    });
  }

  /**
   * Records that the claimed request is about to reach Graph: from here on a crash means
   * `interrupted`. Only while `replica` still holds the claim (a replica whose lease ran out may
   * have lost it): false means do not send.
   */
  markSending(id: string, at: string, replica: string): Promise<boolean> {
    return this.modifyApproval(id, (record) => {
      if (!holdsClaim(record, replica)) return { result: false };
      return { write: { ...record, sendingAt: at }, result: true };
    });
  }

  /**
   * Gives a claimed request that never reached Graph back (executing → approved), to run later.
   * One marked as sending is released only by its owner, who knows it was not sent after all.
   */
  releaseClaim(id: string, owner: string, knownUnsent = false): Promise<boolean> {
    return this.modifyApproval(id, (record) => {
      if (!holdsClaim(record, owner) || (record.sendingAt && !knownUnsent)) return { result: false };
      const { executedBy: _executedBy, sendingAt: _sendingAt, ...rest } = record;
      return { write: { ...rest, state: 'approved' }, result: true };
    });
  }

  /** Marks a run that may have reached Graph as interrupted, if `owner` still holds it. */
  interrupt(id: string, owner: string, entries?: EntriesFor): Promise<boolean> {
    return this.modifyApproval(
      id,
      (record) => {
        if (!holdsClaim(record, owner)) return { result: false };
        return { write: { ...record, state: 'interrupted', result: null }, result: true };
      },
      entries,
    );
  }

  /** Keeps the run's result (completed or failed), if `owner` still holds it: a run taken back stays taken back. */
  finishExecution(
    id: string,
    owner: string,
    state: 'completed' | 'failed',
    result: ApprovalRecord['result'],
  ): Promise<boolean> {
    return this.modifyApproval(id, (record) => {
      if (!holdsClaim(record, owner)) return { result: false };
      return { write: { ...record, state, result }, result: true };
    });
  }
}
