import {
  AUDIT_ACTION_MEANINGS,
  AUDIT_ACTIONS,
  type AuditEntryView,
  type ChainVerdict,
  terminalSafe,
} from '@ondemand/core';
import type { AuditFilters } from '@ondemand/transport';
import { Box, Text } from 'ink';
import Spinner from 'ink-spinner';
import { useEffect, useMemo, useState } from 'react';
import type { Theme } from '../colour.js';
import { addNamesFromEntries, auditRow, type KnownNames, namesFromApprovals } from '../render/audit-text.js';
import { HelpBar, helpLines } from './HelpBar.js';
import { bind, helpKeys, type KeyBinding, MOVE_AND_PICK, quitBindings, shown } from './key-bindings.js';
import type { ProxyScreenProps } from './run-proxy-screen.js';
import { useBindings } from './ScreenFrame.js';
import { ScrollView } from './ScrollView.js';
import { SelectList } from './SelectList.js';
import { TextField } from './TextField.js';
import { useKeys } from './use-keys.js';

/** The time filter `t` steps through. */
const PERIODS = [
  { label: 'all time', ms: undefined },
  { label: 'the last hour', ms: 3_600_000 },
  { label: 'the last day', ms: 86_400_000 },
  { label: 'the last 7 days', ms: 7 * 86_400_000 },
] as const;

type Mode =
  | { name: 'list' }
  | { name: 'entry'; entry: AuditEntryView }
  | { name: 'typing'; field: 'principal' | 'subject' }
  /** Choosing the action to filter on, from a list (there are thirteen). */
  | { name: 'actions' };

/**
 * The audit log for auditors: the chain's verdict at the top, entries as a list that grows as new
 * ones are written, one entry's details on Enter, and the command's filters as keys (a action, t
 * time, p principal, o object, x clear).
 */
export function AuditScreen(props: ProxyScreenProps & { filters?: AuditFilters }) {
  const { proxy, theme } = props;
  const [action, setAction] = useState<string | undefined>(props.filters?.action);
  const [period, setPeriod] = useState(0);
  const [principal, setPrincipal] = useState(props.filters?.principal ?? '');
  const [subject, setSubject] = useState(props.filters?.subject ?? '');
  const [draft, setDraft] = useState('');
  // The entries read, with the filters they were read for: a list read for other filters is not shown
  // under the new ones (not even for the one frame before the new read starts).
  const [read, setRead] = useState<{
    filters: string;
    entries: AuditEntryView[] | undefined;
    /** Why the log could not be read (a role the caller lacks, the proxy away). */
    trouble?: string;
  }>({
    filters: '',
    entries: undefined,
  });
  const [names, setNames] = useState<KnownNames>(new Map());
  const [verdict, setVerdict] = useState<ChainVerdict | string | undefined>();
  const [cursor, setCursor] = useState<number | 'end'>('end');
  const [mode, setMode] = useState<Mode>({ name: 'list' });

  useEffect(() => {
    proxy
      .verifyAudit()
      .then(setVerdict)
      .catch((error: Error) => setVerdict(error.message));
    proxy
      .listApprovals({ limit: 200 })
      .then(({ approvals }) => setNames(namesFromApprovals(terminalSafe(approvals))))
      .catch(() => undefined);
  }, [proxy]);

  const filterKey = JSON.stringify([action, period, principal, subject, props.filters]);
  const entries = read.filters === filterKey ? read.entries : undefined;
  const trouble = read.filters === filterKey ? read.trouble : undefined;

  // Every entry that matches, then each new one as it is written.
  // biome-ignore lint/correctness/useExhaustiveDependencies: filterKey stands for the filters it is made of
  useEffect(() => {
    const stop = new AbortController();
    const since = PERIODS[period]!.ms;
    const filters: AuditFilters = {
      ...props.filters,
      ...(action ? { action } : {}),
      ...(principal ? { principal } : {}),
      ...(subject ? { subject } : {}),
      ...(since ? { from: new Date(Date.now() - since).toISOString() } : {}),
    };
    const readFor = filterKey;
    setRead({ filters: readFor, entries: undefined });
    setCursor('end');
    const found: AuditEntryView[] = [];
    // Drawn a few times a second, not once per entry: a long log arrives in pages of hundreds.
    const draw = setInterval(
      () =>
        setRead((current) =>
          current.entries?.length === found.length ? current : { filters: readFor, entries: [...found] },
        ),
      100,
    );
    void (async () => {
      try {
        for await (const entry of proxy.auditEntries(filters, { follow: true, signal: stop.signal }))
          found.push(terminalSafe(entry));
      } catch (error) {
        // Stopped: nothing to say. Refused or away: said, instead of an empty list that looks like
        // "no entries" (a requester pressing u was shown "0 entries").
        if (!stop.signal.aborted)
          setRead({ filters: readFor, entries: [...found], trouble: (error as Error).message });
      }
    })();
    return () => {
      stop.abort();
      clearInterval(draw);
    };
  }, [proxy, filterKey]);

  const list = useMemo(() => entries ?? [], [entries]);
  // The names the approvals gave, and those the entries carry (direct calls): once per read, not per frame.
  const shownNames = useMemo(() => addNamesFromEntries(new Map(names), list), [names, list]);
  const position = cursor === 'end' ? list.length - 1 : Math.min(cursor, list.length - 1);

  // ↑↓ (and k/j) move through the list; every other key is a binding below, listed as it works.
  useKeys(
    (input, key) => {
      if (key.upArrow || input === 'k')
        setCursor((current) => Math.max(0, (current === 'end' ? list.length - 1 : current) - 1));
      else if (key.downArrow || input === 'j')
        setCursor((current) => {
          const next = (current === 'end' ? list.length - 1 : current) + 1;
          return next >= list.length - 1 ? 'end' : next;
        });
    },
    { isActive: mode.name === 'list' },
  );
  const quit = props.onQuit ?? props.onExit;
  const toList = () => setMode({ name: 'list' });
  const bindings: KeyBinding[] =
    mode.name === 'entry'
      ? [shown('↑↓', 'scroll'), bind('Esc', 'back', toList), ...quitBindings(quit, { typing: false })]
      : mode.name === 'typing'
        ? [shown('Enter', 'filter'), bind('Esc', 'cancel', toList), ...quitBindings(quit, { typing: true })]
        : mode.name === 'actions'
          ? [...MOVE_AND_PICK, bind('Esc', 'cancel', toList), ...quitBindings(quit, { typing: false })]
          : [
              shown('↑↓', 'move'),
              bind(
                'Enter',
                'details',
                () => list[position] && setMode({ name: 'entry', entry: list[position]! }),
              ),
              bind('a', 'action', () => setMode({ name: 'actions' })),
              bind('t', 'time', () => setPeriod((period + 1) % PERIODS.length)),
              bind('p', 'principal', () => {
                setDraft(principal);
                setMode({ name: 'typing', field: 'principal' });
              }),
              bind('o', 'object', () => {
                setDraft(subject);
                setMode({ name: 'typing', field: 'subject' });
              }),
              bind('x', 'clear', () => {
                setAction(undefined);
                setPeriod(0);
                setPrincipal('');
                setSubject('');
              }),
              bind('Esc', 'back', props.onExit),
              ...quitBindings(quit, { typing: false }),
            ];
  useBindings(bindings);
  const help = helpKeys(bindings);

  // The body's rows: what the screen's lines and its help bar (one or two lines) leave.
  const bodyHeightWith = (keys: Array<[string, string]>) =>
    Math.max(4, props.height - 6 - helpLines(keys, props.width).length);
  const filterLine = [
    action ? `action ${action}` : 'every action',
    PERIODS[period]!.label,
    principal && `principal ${principal}`,
    subject && `object ${subject}`,
  ]
    .filter(Boolean)
    .join(' · ');

  let body: React.ReactNode;
  if (mode.name === 'entry') {
    body = (
      <ScrollView
        lines={JSON.stringify(mode.entry, null, 2).split('\n')}
        height={bodyHeightWith(help)}
        theme={theme}
      />
    );
  } else if (mode.name === 'actions') {
    body = (
      <SelectList
        items={[
          { key: 'every', label: 'every action', value: undefined as string | undefined },
          ...AUDIT_ACTIONS.map((each) => ({
            key: each,
            label: each,
            hint: AUDIT_ACTION_MEANINGS[each],
            value: each,
          })),
        ]}
        onSelect={(picked) => {
          setAction(picked);
          setMode({ name: 'list' });
        }}
        theme={theme}
        height={bodyHeightWith(help)}
      />
    );
  } else if (mode.name === 'typing') {
    body = (
      <Box>
        <Text>{`${mode.field === 'principal' ? 'Principal' : 'Object id'}: `}</Text>
        <TextField
          value={draft}
          onChange={setDraft}
          theme={theme}
          placeholder="empty for all"
          onSubmit={(text) => {
            if (mode.field === 'principal') setPrincipal(text.trim());
            else setSubject(text.trim());
            setMode({ name: 'list' });
          }}
        />
      </Box>
    );
  } else {
    body = (
      <EntryList
        entries={entries}
        trouble={trouble}
        position={position}
        names={shownNames}
        height={bodyHeightWith(help)}
        theme={theme}
        width={props.width}
      />
    );
  }

  return (
    <Box flexDirection="column" width={props.width}>
      <VerdictLine verdict={verdict} theme={theme} />
      <Text
        color={theme.color('gray')}
        wrap="truncate-end"
      >{`Audit log · ${filterLine}${entries && !trouble ? ` · ${entries.length} ${entries.length === 1 ? 'entry' : 'entries'}` : ''}${trouble ? '' : ' · live'}`}</Text>
      <Box flexDirection="column" marginTop={1} height={bodyHeightWith(help) + 1}>
        {body}
      </Box>
      <HelpBar keys={help} theme={theme} width={props.width} />
    </Box>
  );
}

function VerdictLine(props: { verdict: ChainVerdict | string | undefined; theme: Theme }) {
  const { verdict, theme } = props;
  if (verdict === undefined)
    return (
      <Text>
        <Spinner type="dots" /> verifying the chain…
      </Text>
    );
  if (typeof verdict === 'string')
    return <Text color={theme.color('yellow')} wrap="truncate-end">{`chain not verified: ${verdict}`}</Text>;
  if (!verdict.valid)
    return (
      <Text color={theme.color('red')} wrap="truncate-end">
        {`✗ chain tampered with: ${verdict.problemCount} problem${verdict.problemCount === 1 ? '' : 's'}: ${verdict.problems[0]?.message ?? ''}`}
      </Text>
    );
  return (
    <Text color={theme.color('green')} wrap="truncate-end">
      {`✓ chain intact: ${verdict.entries} ${verdict.entries === 1 ? 'entry' : 'entries'}${verdict.checkpoints.newest ? `, signed up to ${verdict.checkpoints.newest.seq}` : ''}${verdict.unchecked.length > 0 ? ` (${verdict.unchecked.length} ${verdict.unchecked.length === 1 ? 'thing' : 'things'} not checked)` : ''}`}
    </Text>
  );
}

function EntryList(props: {
  entries: AuditEntryView[] | undefined;
  trouble?: string | undefined;
  position: number;
  names: KnownNames;
  height: number;
  theme: Theme;
  width: number;
}) {
  const { entries, position, theme } = props;
  if (props.trouble && (!entries || entries.length === 0))
    return <Text color={theme.color('red')} wrap="wrap">{`✗ ${props.trouble}`}</Text>;
  if (!entries)
    return (
      <Text>
        <Spinner type="dots" /> reading…
      </Text>
    );
  if (entries.length === 0) return <Text color={theme.color('gray')}>no entries match</Text>;
  const rows = props.height - 1;
  const start = Math.max(0, Math.min(position - Math.floor(rows / 2), entries.length - rows));
  return (
    <Box flexDirection="column">
      {entries.slice(start, start + rows).map((entry, index) => {
        const [time, who, action, app, subject, outcome] = auditRow(entry, props.names);
        // What came of it first: at 80 columns the app and subject are what gets cut, not the outcome.
        const chosen = start + index === position;
        return (
          <Text key={entry.seq} color={chosen ? theme.color('cyan') : undefined} wrap="truncate-end">
            {`${chosen ? '❯ ' : '  '}${time!.slice(11)} ${who!.slice(0, 10).padEnd(10)} ${action!.padEnd(11)} ${[outcome, app, subject].filter(Boolean).join(' · ')}`}
          </Text>
        );
      })}
      <Text color={theme.color('gray')}>{`  ${position + 1}/${entries.length}`}</Text>
    </Box>
  );
}
