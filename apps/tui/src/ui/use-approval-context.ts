import type { ApprovalView } from '@ondemand/core';
import type { GraphClient } from '@ondemand/transport';
import { readApprovalContext } from '@ondemand/transport';
import { useEffect, useState } from 'react';
import type { Style } from '../colour.js';
import { renderApprovalContext } from '../render/provisioning-text.js';

/**
 * What an approver reads under a held request they may decide, as `ondemand approvals show` prints it:
 * the job's health and its subjects' newest log entries, read once per request through the proxy
 * (with the approver's own key). Lines to show: a note while reading, nothing when there is nothing
 * to decide or no Graph reads.
 */
export function useApprovalContext(
  graph: GraphClient | undefined,
  view: ApprovalView | undefined,
  options: { style: Style; width: number },
): string[] {
  const decidable = !!view && view.state === 'pending' && view.youMay?.review.allowed === true;
  const id = decidable ? view.id : undefined;
  const [read, setRead] = useState<{ id: string; text: string } | undefined>();
  // biome-ignore lint/correctness/useExhaustiveDependencies: read once per request, not at every change of its view
  useEffect(() => {
    if (!graph || !id || !view) return;
    let current = true;
    readApprovalContext(graph, view).then(
      (context) => current && setRead({ id, text: context ? renderApprovalContext(context, options) : '' }),
      (error: Error) =>
        current &&
        setRead({ id, text: `\nThe job's health and the logs could not be read: ${error.message}\n` }),
    );
    return () => {
      current = false;
    };
  }, [graph, id]);
  if (!graph || !id) return [];
  if (read?.id !== id) return ['', 'Reading the job’s health and the subjects’ provisioning logs…'];
  return read.text.trimEnd().split('\n');
}
