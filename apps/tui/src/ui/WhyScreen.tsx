import type { GraphClient } from '@ondemand/transport';
import { type WhyReport, whyUser } from '@ondemand/transport';
import { Text } from 'ink';
import { useEffect, useState } from 'react';
import type { Theme } from '../colour.js';
import { renderWhyText } from '../render/why-text.js';
import { rowsUnderTitle } from './HelpBar.js';
import { bind, helpKeys, type KeyBinding, type Navigation, quitBindings, shown } from './key-bindings.js';
import { ScreenFrame } from './ScreenFrame.js';
import { ScrollView } from './ScrollView.js';

/** Who and where: the user of a result and its app. */
export interface WhyTarget {
  user: { id: string; label: string };
  app: { id: string; displayName: string };
}

type Reading =
  | { state: 'reading' }
  | { state: 'read'; report: WhyReport }
  | { state: 'failed'; message: string };

/**
 * "Why isn't this person in that app?" for the user of a result: assignment, scoping filter, job
 * health and the newest log entry, one verdict and what to do, as `ondemand why` prints it. r reads
 * it all again (the logs are written minutes after the work).
 */
export function WhyScreen(props: {
  graph: GraphClient;
  target: WhyTarget;
  theme: Theme;
  nav: Navigation;
  width: number;
  height: number;
}) {
  const { target, theme, nav } = props;
  // Each round reads afresh: the reading lives in a child keyed by it.
  const [round, setRound] = useState(0);
  const bindings: KeyBinding[] = [
    shown('↑↓', 'scroll'),
    bind('r', 'read again', () => setRound(round + 1)),
    bind('Esc', nav.backLabel, nav.back),
    ...quitBindings(nav.quit, { typing: false }),
  ];
  return (
    <ScreenFrame theme={theme} bindings={bindings} width={props.width}>
      <Text bold wrap="truncate-end">{`Why: ${target.user.label} in ${target.app.displayName}`}</Text>
      <WhyReading
        key={round}
        graph={props.graph}
        target={target}
        theme={theme}
        width={props.width}
        height={rowsUnderTitle(props.height, helpKeys(bindings), props.width)}
      />
    </ScreenFrame>
  );
}

/** Reads the evidence once, then shows it scrollable. */
function WhyReading(props: {
  graph: GraphClient;
  target: WhyTarget;
  theme: Theme;
  width: number;
  height: number;
}) {
  const { target, theme } = props;
  const [reading, setReading] = useState<Reading>({ state: 'reading' });
  useEffect(() => {
    const stop = new AbortController();
    whyUser(
      props.graph,
      { id: target.user.id, displayName: target.user.label, userPrincipalName: null },
      target.app,
      stop.signal,
    ).then(
      (report) => !stop.signal.aborted && setReading({ state: 'read', report }),
      (error: unknown) =>
        !stop.signal.aborted &&
        setReading({ state: 'failed', message: (error as Error).message ?? String(error) }),
    );
    return () => stop.abort();
  }, [props.graph, target]);
  if (reading.state === 'reading')
    return (
      <Text color={theme.color('gray')}>Reading assignments, the scoping filter, the job and the logs…</Text>
    );
  if (reading.state === 'failed')
    return <Text color={theme.color('red')}>{`Could not read it: ${reading.message}`}</Text>;
  const lines = renderWhyText(reading.report, {
    style: theme.style,
    width: props.width,
    provisionHint: 'Esc, then p, provisions them on demand now.',
  })
    .trimEnd()
    .split('\n');
  return <ScrollView lines={lines} theme={theme} letters={false} height={props.height} />;
}
