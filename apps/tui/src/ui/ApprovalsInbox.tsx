import type { ApprovalView } from '@ondemand/core';
import { subjectSummary, terminalSafe } from '@ondemand/core';
import type { ApprovalFilters } from '@ondemand/transport';
import { Box, Text } from 'ink';
import Spinner from 'ink-spinner';
import { useEffect, useState } from 'react';
import type { Theme } from '../colour.js';
import { approvalDetails, approvalOutcome, approvalTarget, approvalTimes } from '../render/approval-text.js';
import { HelpBar, rowsUnderTitle } from './HelpBar.js';
import { bind, helpKeys, type KeyBinding, shown as listedKey, quitBindings } from './key-bindings.js';
import type { ProxyScreenProps } from './run-proxy-screen.js';
import { useBindings } from './ScreenFrame.js';
import { ScrollView } from './ScrollView.js';
import { TextField } from './TextField.js';
import { useApprovalContext } from './use-approval-context.js';
import { useCursor } from './use-cursor.js';
import { useKeys } from './use-keys.js';

type Decision = 'approve' | 'deny';

type Mode =
  | { name: 'list' }
  | { name: 'detail'; id: string }
  | { name: 'reason'; id: string; decision: Decision; from: 'list' | 'detail' }
  | { name: 'sending'; id: string; what: string }
  | { name: 'outcome'; view: ApprovalView; waiting: boolean };

/**
 * The approvals inbox: pending requests newest first, kept current by the proxy (a long-poll on the
 * list), each with who asked, the app, the subject, its age and the time left. Enter shows one as
 * `ondemand approvals show` does; a and d ask for a reason, then show how it went and, for an
 * approval, the run's result once it is in; w withdraws one's own. A request the caller may not
 * review says why instead of offering the keys.
 */
export function ApprovalsInbox(
  props: ProxyScreenProps & {
    filters?: ApprovalFilters;
  },
) {
  const { proxy, theme } = props;
  const filters: ApprovalFilters = { state: 'pending', ...props.filters };
  const [approvals, setApprovals] = useState<ApprovalView[] | undefined>();
  const [trouble, setTrouble] = useState<string | undefined>();
  const [mode, setMode] = useState<Mode>({ name: 'list' });
  const [notice, setNotice] = useState<string | undefined>();
  const [reason, setReason] = useState('');
  const [now, setNow] = useState(Date.now());

  // The list, live: each page the proxy sends when it changes; a failure is shown and retried.
  // biome-ignore lint/correctness/useExhaustiveDependencies: one watch per set of filters
  useEffect(() => {
    const stop = new AbortController();
    const watch = async () => {
      while (!stop.signal.aborted) {
        try {
          for await (const page of proxy.watchApprovals(filters, { signal: stop.signal })) {
            // Requesters' reasons and directory names may hold escape sequences: shown, never obeyed.
            setApprovals(terminalSafe(page));
            setTrouble(undefined);
          }
        } catch (error) {
          if (stop.signal.aborted) return;
          setTrouble((error as Error).message);
          await new Promise((resolve) => setTimeout(resolve, 3_000));
        }
      }
    };
    void watch();
    return () => stop.abort();
  }, [filters.state, filters.requester]);

  // Ages and time left count on their own.
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, []);

  const list = approvals ?? [];
  const cursor = useCursor(list.length);
  const position = cursor.at;
  const selected = list[position];
  const shown =
    mode.name === 'detail' || mode.name === 'reason'
      ? (list.find((view) => view.id === mode.id) ?? selected)
      : selected;

  // Under a request this approver may decide: the job's health and its subjects' newest log entries.
  const context = useApprovalContext(props.graph, mode.name === 'detail' ? shown : undefined, {
    style: theme.style,
    width: props.width,
  });

  const act = (view: ApprovalView | undefined, decision: Decision | 'withdraw', from: 'list' | 'detail') => {
    if (!view) return;
    const may = decision === 'withdraw' ? view.youMay?.withdraw : view.youMay?.review;
    if (may && !may.allowed) {
      setNotice(may.why ?? 'the proxy would refuse it');
      return;
    }
    setNotice(undefined);
    if (decision === 'withdraw') {
      send(view.id, 'withdrawing', () => proxy.withdraw(view.id));
      return;
    }
    setReason('');
    setMode({ name: 'reason', id: view.id, decision, from });
  };

  const send = (id: string, what: string, call: () => Promise<ApprovalView>) => {
    setMode({ name: 'sending', id, what });
    call()
      .then((view) => {
        const runs = view.state === 'approved' || view.state === 'executing';
        setMode({ name: 'outcome', view, waiting: runs });
        // Approved: follow the run to its result.
        if (runs)
          void proxy
            .waitForApproval(id)
            .then((done) =>
              setMode((current) =>
                current.name === 'outcome' ? { ...current, view: done, waiting: false } : current,
              ),
            )
            .catch((error: Error) => setNotice(error.message));
      })
      .catch((error: Error) => {
        setNotice(error.message);
        setMode({ name: 'detail', id });
      });
  };

  // ↑↓ (and k/j) move through the list; every other key is a binding below, listed as it works.
  useKeys(
    (input, key) => {
      if (key.upArrow || input === 'k') cursor.move(-1);
      else if (key.downArrow || input === 'j') cursor.move(1);
    },
    { isActive: mode.name === 'list' },
  );
  const quit = props.onQuit ?? props.onExit;
  const toList = () => {
    setNotice(undefined);
    setMode({ name: 'list' });
  };
  // a, d and w where the proxy would take them; pressed where it would not, they say why, unlisted.
  const decisionBindings = (view: ApprovalView | undefined, from: 'list' | 'detail'): KeyBinding[] => {
    if (!view) return [];
    const reviewable = view.youMay?.review.allowed !== false;
    const withdrawable = view.youMay?.withdraw.allowed === true;
    return [
      { ...bind('a', 'approve', () => act(view, 'approve', from)), hidden: !reviewable },
      { ...bind('d', 'deny', () => act(view, 'deny', from)), hidden: !reviewable },
      { ...bind('w', 'withdraw', () => act(view, 'withdraw', from)), hidden: !withdrawable },
    ];
  };
  const bindings: KeyBinding[] = (() => {
    switch (mode.name) {
      case 'list':
        return [
          listedKey('↑↓', 'move'),
          bind('Enter', 'show', () => {
            if (!selected) return;
            setNotice(undefined);
            setMode({ name: 'detail', id: selected.id });
          }),
          ...decisionBindings(selected, 'list'),
          bind('Esc', 'back', () => {
            setNotice(undefined);
            props.onExit();
          }),
          ...quitBindings(quit, { typing: false }),
        ];
      case 'detail':
        return [
          listedKey('↑↓', 'scroll'),
          ...decisionBindings(shown, 'detail'),
          bind('Esc', 'back', toList),
          ...quitBindings(quit, { typing: false }),
        ];
      case 'reason': {
        const { from, id } = mode;
        return [
          listedKey('Enter', mode.decision),
          bind('Esc', 'cancel', () => setMode(from === 'detail' ? { name: 'detail', id } : { name: 'list' })),
          ...quitBindings(quit, { typing: true }),
        ];
      }
      case 'sending':
        return quitBindings(quit, { typing: true });
      case 'outcome':
        return [bind('Esc', 'back to the list', toList), ...quitBindings(quit, { typing: false })];
    }
  })();
  useBindings(bindings);
  const help = helpKeys(bindings);

  // The body's rows: what the screen's lines and its help bar (one or two lines) leave.
  const bodyHeightWith = (keys: Array<[string, string]>) => rowsUnderTitle(props.height, keys, props.width);
  let body: React.ReactNode;
  switch (mode.name) {
    case 'list': {
      body = (
        <InboxList
          approvals={approvals}
          position={position}
          height={bodyHeightWith(help)}
          now={now}
          theme={theme}
          width={props.width}
        />
      );
      break;
    }
    case 'detail': {
      body = shown ? (
        <ScrollView
          lines={[...approvalDetails(shown, now, theme.style).trimEnd().split('\n'), ...context]}
          height={bodyHeightWith(help)}
          theme={theme}
        />
      ) : (
        <Text color={theme.color('gray')}>it is no longer in this list</Text>
      );
      break;
    }
    case 'reason':
      body = (
        <Box flexDirection="column">
          <Text>{`${mode.decision === 'approve' ? 'Approve' : 'Deny'} ${shown ? subjectSummary(shown) : mode.id}`}</Text>
          <Text color={theme.color('gray')}>
            {mode.decision === 'approve'
              ? 'Why (it goes into the audit log):'
              : 'Why (the requester is told, and it goes into the audit log):'}
          </Text>
          <Box>
            <Text>{'> '}</Text>
            <TextField
              value={reason}
              onChange={setReason}
              theme={theme}
              placeholder="a reason, e.g. the ticket"
              onSubmit={(text) => {
                if (!text.trim()) return setNotice('give a reason: it goes into the audit log');
                setNotice(undefined);
                send(mode.id, mode.decision === 'approve' ? 'approving' : 'denying', () =>
                  proxy.review(mode.id, mode.decision, text.trim()),
                );
              }}
            />
          </Box>
        </Box>
      );
      break;
    case 'sending':
      body = (
        <Text>
          <Spinner type="dots" />
          {` ${mode.what}…`}
        </Text>
      );
      break;
    case 'outcome':
      body = (
        <Box flexDirection="column">
          <Text bold>{`${mode.view.state}: ${subjectSummary(mode.view)}`}</Text>
          {mode.waiting ? (
            <Text>
              <Spinner type="dots" /> running it in Graph…
            </Text>
          ) : (
            <Text wrap="wrap">{approvalOutcome(mode.view) ?? stillPending(mode.view)}</Text>
          )}
        </Box>
      );
      break;
  }

  return (
    <Box flexDirection="column" width={props.width}>
      <Text bold wrap="truncate-end">
        {`Approvals · ${filters.state ?? 'all'}${approvals ? ` (${approvals.length})` : ''}`}
        <Text color={theme.color('gray')}>
          {trouble ? `  · cannot reach the proxy: ${trouble}` : '  · live'}
        </Text>
      </Text>
      <Box flexDirection="column" marginTop={1} height={bodyHeightWith(help) + 1}>
        {body}
      </Box>
      {notice ? (
        <Text color={theme.color('yellow')} wrap="truncate-end">
          {notice}
        </Text>
      ) : (
        <Text> </Text>
      )}
      <HelpBar keys={help} theme={theme} width={props.width} />
    </Box>
  );
}

function stillPending(view: ApprovalView): string {
  return `${view.reviews.length} review${view.reviews.length === 1 ? '' : 's'} so far; it runs once enough approvers approve`;
}

function InboxList(props: {
  approvals: ApprovalView[] | undefined;
  position: number;
  height: number;
  now: number;
  theme: Theme;
  width: number;
}) {
  const { approvals, position, theme } = props;
  if (!approvals)
    return (
      <Text>
        <Spinner type="dots" /> loading…
      </Text>
    );
  if (approvals.length === 0) return <Text color={theme.color('gray')}>nothing waiting for a review</Text>;
  const rows = props.height - 1;
  const start = Math.max(0, Math.min(position - Math.floor(rows / 2), approvals.length - rows));
  return (
    <Box flexDirection="column">
      <Text color={theme.color('gray')} wrap="truncate-end">
        {'  AGE    LEFT   REQUESTER     APP · SUBJECT'}
      </Text>
      {approvals.slice(start, start + rows).map((view, index) => {
        const { age, left } = approvalTimes(view, props.now);
        const target = approvalTarget(view);
        const chosen = start + index === position;
        return (
          <Text key={view.id} color={chosen ? theme.color('cyan') : undefined} wrap="truncate-end">
            {`${chosen ? '❯ ' : '  '}${age.padEnd(6)} ${left.padEnd(6)} ${view.requester.slice(0, 12).padEnd(13)} ${target.appName ?? target.servicePrincipal} · ${subjectSummary(view)}`}
          </Text>
        );
      })}
      {approvals.length > rows ? (
        <Text color={theme.color('gray')}>{`  ${position + 1}/${approvals.length}`}</Text>
      ) : null}
    </Box>
  );
}
