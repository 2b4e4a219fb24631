import type { PendingApproval } from '@ondemand/transport';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Connection } from '../connection.js';
import { type HistoryEntry, type ProvisionTarget, targetRequest } from './model.js';
import { type Screen, subjectScreenOf } from './navigation.js';
import type { Navigator } from './use-navigation.js';

/**
 * The provisioning call: one at a time, shown as it goes (waiting for the rate window, held for
 * approval, sent), its result kept in this session's history. Stopping it before it is written
 * sends nothing; after, it runs to its end at Graph.
 */
export function useProvisioning(options: {
  connection: Connection | undefined;
  nav: Navigator;
  fail: (error: unknown, back: Screen) => void;
}) {
  const { connection, nav, fail } = options;
  const [history, setHistory] = useState<HistoryEntry[]>([]);
  // The call in flight, so quitting or going back stops waiting for it at once.
  const inFlight = useRef<AbortController | undefined>(undefined);
  /** Whether the call in flight has been written: before that, stopping it sends nothing. */
  const sent = useRef(false);

  const provision = useCallback(
    (target: ProvisionTarget) => {
      if (!connection) return;
      nav.go({ name: 'provisioning', target });
      let body: ReturnType<typeof targetRequest>;
      try {
        body = targetRequest(target);
      } catch (error) {
        return fail(error, subjectScreenOf(target));
      }
      const call = new AbortController();
      inFlight.current = call;
      sent.current = false;
      connection.graph
        .provisionOnDemand(target.sp.id, target.job.id, body, {
          signal: call.signal,
          // Through the proxy, a gated request waits for approval: show it, and that it is waiting.
          onPending: (approval) => nav.show({ name: 'provisioning', target, approval, sent: true }),
          // After the rate window's grant, just before it is written: from here it cannot be taken back.
          beforeAttempt: async () => {
            sent.current = true;
            nav.update(
              (shown) => shown.name === 'provisioning' && shown.target === target,
              (shown) => ({ ...shown, sent: true }) as Screen,
            );
          },
        })
        .then((result) => {
          const entry = { at: new Date(), target, result };
          setHistory((previous) => [entry, ...previous]);
          nav.show({ name: 'result', entry });
        })
        .catch((error) => {
          // Stopped on purpose: the screen has already moved on.
          if (!call.signal.aborted) fail(error, subjectScreenOf(target));
        });
    },
    [connection, fail, nav],
  );

  // A connection replaced or left: its call is not waited for any more (the effect's cleanup runs
  // each time the connection changes, so the dependency is what it is there for).
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs again on each new connection
  useEffect(() => () => inFlight.current?.abort(), [connection]);

  return {
    provision,
    history,
    /** Whether the call in flight was written (quitting then says it runs to its end at Graph). */
    wasSent: () => sent.current,
    /** Stops waiting for the call in flight (a call not yet written is then never sent). */
    stop: () => inFlight.current?.abort(),
    /** Stops waiting for a held request: it stays pending at the proxy, as the note says. */
    stopWaiting: (approval: PendingApproval): string => {
      inFlight.current?.abort();
      return `stopped waiting: approval ${approval.id} stays pending (${approval.url}); ondemand approvals withdraw ${approval.id} withdraws it`;
    },
  };
}
