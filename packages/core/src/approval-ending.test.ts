import { describe, expect, it } from 'vitest';
import { approvalEnding, type EndedApproval } from './approval-ending.js';

const held: EndedApproval = {
  state: 'pending',
  expiresAt: '2026-12-07T10:00:00Z',
  denial: null,
  withdrawn: null,
  reviews: [],
};

describe('approvalEnding', () => {
  it('says how a held request ended without running, the same way for every reader', () => {
    expect(
      approvalEnding({
        ...held,
        state: 'denied',
        denial: { principal: 'approver', reason: 'not now', at: 'x' },
      }),
    ).toBe('denied by approver: not now');
    expect(approvalEnding({ ...held, state: 'expired' }, (iso) => `<${iso}>`)).toBe(
      'expired at <2026-12-07T10:00:00Z>: nobody approved it in time; ask again',
    );
    expect(
      approvalEnding({
        ...held,
        state: 'withdrawn',
        withdrawn: { principal: 'alice', at: '2026-12-07T09:00:00Z' },
      }),
    ).toBe('withdrawn by alice at 2026-12-07T09:00:00Z');
    expect(approvalEnding({ ...held, state: 'interrupted' })).toMatch(
      /may have run in Graph, and it is not sent again$/,
    );
  });

  it('has nothing to say of a request still open or one that ran: Graph answered it', () => {
    for (const state of ['pending', 'approved', 'executing', 'completed', 'failed'] as const)
      expect(approvalEnding({ ...held, state })).toBeUndefined();
  });
});
