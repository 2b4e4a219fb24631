import type { LimiterSnapshot } from '@ondemand/core';
import { useEffect, useState } from 'react';
import type { Connection } from '../connection.js';

/** The rate window of the app in use (`spId`), read twice a second while there is one. */
export function useRateWindow(connection: Connection | undefined, spId: string | undefined) {
  const [limiter, setLimiter] = useState<LimiterSnapshot | undefined>();
  useEffect(() => {
    if (!connection || !spId) return;
    const refresh = () => void connection.graph.limiterSnapshot(spId)?.then(setLimiter);
    refresh();
    const timer = setInterval(refresh, 500);
    return () => clearInterval(timer);
  }, [connection, spId]);
  return limiter;
}
