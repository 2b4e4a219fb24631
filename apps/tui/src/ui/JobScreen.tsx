import { type ProvisioningLogEntry, type SynchronizationJobView, terminalSafe } from '@ondemand/core';
import type { GraphClient } from '@ondemand/transport';
import { Text } from 'ink';
import { useEffect, useState } from 'react';
import type { Theme } from '../colour.js';
import { renderJobText, renderLogEntriesText } from '../render/provisioning-text.js';
import { rowsUnderTitle } from './HelpBar.js';
import { bind, helpKeys, type KeyBinding, type Navigation, quitBindings, shown } from './key-bindings.js';
import { ScreenFrame } from './ScreenFrame.js';
import { ScrollView } from './ScrollView.js';

/** The job a screen shows: its app and id. */
export interface JobTarget {
  app: { id: string; displayName: string };
  jobId: string;
}

/** Which entries the log part shows: all, or those of one status (f moves along). */
const STATUS_FILTERS = [undefined, 'failure', 'skipped'] as const;
type StatusFilter = (typeof STATUS_FILTERS)[number];

/** The newest entries read, one reports call (Graph's pages are 50 by default: one page). */
const NEWEST = 20;

type Reading =
  | { state: 'reading' }
  | {
      state: 'read';
      job: SynchronizationJobView | { error: string };
      logs: ProvisioningLogEntry[] | { error: string };
    };

/**
 * A job's health and its newest provisioning-log entries, as `ondemand jobs status` and
 * `ondemand logs --job` print them: status, quarantine and its next attempt, the last cycle's counts
 * and error, then what the service did to each object. f shows only failures, then only skips; r
 * reads again (entries are written minutes after the work). Each part that cannot be read (the logs
 * need AuditLog.Read.All, or an auditor's role through a proxy) says why; the other is still shown.
 */
export function JobScreen(props: {
  graph: GraphClient;
  target: JobTarget;
  theme: Theme;
  nav: Navigation;
  width: number;
  height: number;
}) {
  const { target, theme, nav } = props;
  const [round, setRound] = useState(0);
  const [filter, setFilter] = useState(0);
  const status = STATUS_FILTERS[filter];
  const bindings: KeyBinding[] = [
    shown('↑↓', 'scroll'),
    // f says what it shows next.
    bind('f', ['failures only', 'skips only', 'all entries'][filter]!, () =>
      setFilter((filter + 1) % STATUS_FILTERS.length),
    ),
    bind('r', 'read again', () => setRound(round + 1)),
    bind('Esc', nav.backLabel, nav.back),
    ...quitBindings(nav.quit, { typing: false }),
  ];
  return (
    <ScreenFrame theme={theme} bindings={bindings} width={props.width}>
      <Text bold wrap="truncate-end">{`Job ${target.jobId} of ${target.app.displayName}`}</Text>
      <JobReading
        key={`${round}.${filter}`}
        graph={props.graph}
        target={target}
        status={status}
        theme={theme}
        width={props.width}
        height={rowsUnderTitle(props.height, helpKeys(bindings), props.width)}
      />
    </ScreenFrame>
  );
}

/** Reads the job and its newest entries once, then shows them scrollable. */
function JobReading(props: {
  graph: GraphClient;
  target: JobTarget;
  status: StatusFilter;
  theme: Theme;
  width: number;
  height: number;
}) {
  const { graph, target, status, theme } = props;
  const [reading, setReading] = useState<Reading>({ state: 'reading' });
  useEffect(() => {
    const stop = new AbortController();
    const failed = (error: unknown) => ({ error: (error as Error).message ?? String(error) });
    const job = graph
      .getSynchronizationJob(target.app.id, target.jobId, { signal: stop.signal })
      .catch(failed);
    const logs = (async () => {
      const entries: ProvisioningLogEntry[] = [];
      for await (const entry of graph.listProvisioningLogs(
        { servicePrincipalId: target.app.id, jobId: target.jobId, ...(status ? { status } : {}) },
        { top: NEWEST, signal: stop.signal },
      )) {
        entries.push(entry);
        if (entries.length === NEWEST) break;
      }
      return entries;
    })().catch(failed);
    void Promise.all([job, logs]).then(([jobRead, logsRead]) => {
      if (!stop.signal.aborted) setReading({ state: 'read', job: jobRead, logs: logsRead });
    });
    return () => stop.abort();
  }, [graph, target, status]);
  if (reading.state === 'reading')
    return <Text color={theme.color('gray')}>Reading the job and its newest provisioning-log entries…</Text>;
  const options = { style: theme.style, width: props.width };
  const text = [
    'error' in reading.job
      ? `The job's health could not be read: ${terminalSafe(reading.job.error)}\n`
      : renderJobText(reading.job, { ...options, appName: target.app.displayName }),
    `\n${theme.style.bold(status ? `Newest ${status} entries` : 'Newest log entries')}\n`,
    'error' in reading.logs
      ? `The provisioning logs could not be read: ${terminalSafe(reading.logs.error)}\n`
      : reading.logs.length === 0
        ? // Entries are written minutes after the work: none is "not yet", not "nothing happened".
          'None yet: entries are written a few minutes after the work (r reads again).\n'
        : renderLogEntriesText(reading.logs, options),
  ].join('');
  return (
    <ScrollView lines={text.trimEnd().split('\n')} theme={theme} letters={false} height={props.height} />
  );
}
