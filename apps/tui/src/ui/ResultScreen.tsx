import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Text } from 'ink';
import { useState } from 'react';
import type { Theme } from '../colour.js';
import { helpLines } from './HelpBar.js';
import {
  bind,
  helpKeys,
  type KeyBinding,
  type Navigation,
  proxyBindings,
  quitBindings,
  shown,
} from './key-bindings.js';
import { describeTarget, type HistoryEntry, savedResultText } from './model.js';
import { ResultView } from './ResultView.js';
import { ScreenFrame } from './ScreenFrame.js';

/**
 * One provision's result, scrollable: the steps (d: every step's details) or Graph's answer decoded
 * (j); s saves it as a file `ondemand explain` reads back; p provisions the same again.
 */
export function ResultScreen(props: {
  entry: HistoryEntry;
  theme: Theme;
  nav: Navigation;
  cwd: string;
  width: number;
  /** Rows this screen's body may take (the frame's status line is not among them). */
  height: number;
  onProvisionAgain: () => void;
  onNewSubject: () => void;
  onHistory: () => void;
  onApps: () => void;
  /** Why the user is, or is not, in the app (users only). */
  onWhy?: (() => void) | undefined;
  /** The job's health and its newest provisioning-log entries. */
  onJob?: (() => void) | undefined;
}) {
  const { entry, theme, nav } = props;
  const [raw, setRaw] = useState(false);
  const [details, setDetails] = useState(false);
  const [saved, setSaved] = useState<string | undefined>();

  const save = () => {
    const file = resolve(props.cwd, `ondemand-result-${entry.at.toISOString().replace(/[:.]/g, '-')}.json`);
    writeFile(file, savedResultText(entry))
      .then(() => setSaved(`saved ${file}`))
      .catch((error) => setSaved(`could not save: ${(error as Error).message}`));
  };
  const bindings: KeyBinding[] = [
    bind('p', 'provision again', props.onProvisionAgain),
    bind('n', 'new subject', props.onNewSubject),
    shown('↑↓', 'scroll'),
    bind('j', raw ? 'steps' : 'answer', () => setRaw(!raw)),
    ...(raw ? [] : [bind('d', details ? 'fewer details' : 'all details', () => setDetails(!details))]),
    bind('s', 'save', save),
    ...(props.onWhy ? [bind('w', 'why', props.onWhy)] : []),
    ...(props.onJob ? [bind('l', 'job & logs', props.onJob)] : []),
    bind('h', 'history', props.onHistory),
    bind('a', 'apps', props.onApps),
    ...proxyBindings(nav),
    bind('Esc', nav.backLabel, nav.back),
    ...quitBindings(nav.quit, { typing: false }),
  ];
  return (
    <ScreenFrame theme={theme} bindings={bindings} width={props.width}>
      <Text color={theme.color('gray')} wrap="truncate-end">
        {describeTarget(entry.target)}
      </Text>
      <ResultView
        // Another view of the result starts at its top, not where the last one was scrolled to.
        key={`${raw}-${details}`}
        result={entry.result}
        theme={theme}
        raw={raw}
        details={details}
        width={props.width}
        // Left for the steps in this screen's body: the rate line, two margins, the target line,
        // the save notice, the help bar, and one row spare (Ink ends the frame with a newline).
        height={Math.max(
          6,
          props.height - 5 - (saved ? 1 : 0) - helpLines(helpKeys(bindings), props.width).length,
        )}
      />
      {saved ? <Text color={theme.color('green')}>{saved}</Text> : null}
    </ScreenFrame>
  );
}
