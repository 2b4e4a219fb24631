import type { LimiterSnapshot } from '@ondemand/core';
import type { DeviceCodePrompt, PendingApproval } from '@ondemand/transport';
import { Box, useApp } from 'ink';
import { type ReactNode, useCallback, useEffect, useRef, useState } from 'react';
import { themeFor } from '../colour.js';
import type { Connection } from '../connection.js';
import { ApprovalsInbox } from './ApprovalsInbox.js';
import { type AppChoice, AppsScreen } from './AppsScreen.js';
import { AuditScreen } from './AuditScreen.js';
import { ConnectingScreen } from './ConnectingScreen.js';
import { ConnectScreen } from './ConnectScreen.js';
import { ErrorScreen } from './ErrorScreen.js';
import type { Navigation } from './key-bindings.js';
import { ListScreen } from './ListScreen.js';
import {
  describeTarget,
  type HistoryEntry,
  type ProvisionTarget,
  type SubjectKind,
  subjectKindsOf,
  targetRequest,
} from './model.js';
import { ProvisioningScreen } from './ProvisioningScreen.js';
import { ResultScreen } from './ResultScreen.js';
import { StatusBar } from './StatusBar.js';
import { SubjectScreen } from './SubjectScreen.js';
import { KeyRouter } from './use-keys.js';
import { useTerminalSize } from './use-terminal-size.js';

/** Screens one goes back to with Esc; the others (connecting, provisioning, an error) are waits or notes. */
const PLACES = new Set(['connect', 'apps', 'jobs', 'rules', 'subject', 'result', 'history']);

type Screen =
  | { name: 'connect' }
  | { name: 'connecting'; prompt?: DeviceCodePrompt }
  | { name: 'apps' }
  | { name: 'jobs'; app: AppChoice }
  | {
      name: 'rules';
      app: AppChoice;
      job: AppChoice['jobs'][number];
      rules: Array<{ id: string; name: string; route: string; kinds: SubjectKind[] }>;
    }
  | {
      name: 'subject';
      target: Omit<ProvisionTarget, 'subject'>;
      /** What was picked here last: Esc back to this screen shows it again (a DN typed stays typed). */
      picked?: ProvisionTarget['subject'];
    }
  | {
      name: 'provisioning';
      target: ProvisionTarget;
      approval?: PendingApproval;
      /** Written to Graph (or the proxy): it runs to its end whatever happens here. */
      sent?: boolean;
    }
  | { name: 'result'; entry: HistoryEntry }
  | { name: 'history' }
  | { name: 'inbox'; back: Screen }
  | { name: 'audit'; back: Screen }
  | { name: 'error'; message: string; back: Screen };

export interface AppProps {
  /** Opens a connection from flags (the CLI's connect); called at start and from the connect screen. */
  connect: (
    flags: Record<string, unknown>,
    onDeviceCode: (prompt: DeviceCodePrompt) => void,
  ) => Promise<Connection>;
  /** The flags the command was started with; none means: ask. */
  initialFlags?: Record<string, unknown>;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Fixed sizes (tests); without them the UI follows the terminal's size as it is resized. */
  width?: number;
  height?: number;
  /** A line to print once the UI has closed (what became of a request it stopped waiting for). */
  onExitNote?: (note: string) => void;
  /** Left with Ctrl-C: the command exits 130, as the exit-code table says. */
  onInterrupted?: () => void;
  /** What is still being closed as the UI quits: the command waits for it before it returns. */
  onLeave?: (closing: Promise<void>) => void;
}

/** The interactive `ondemand`: connect, pick app, job, rule and subject, provision, read every step. */
export function App(props: AppProps) {
  const { exit } = useApp();
  const theme = themeFor(props.env);
  const { width, height } = useTerminalSize({ width: props.width, height: props.height });
  const [connection, setConnection] = useState<Connection | undefined>();
  const [screen, setScreen] = useState<Screen>(
    props.initialFlags ? { name: 'connecting' } : { name: 'connect' },
  );
  // Where Esc goes: the places passed through on the way here (not the waits between them).
  const trail = useRef<Screen[]>([]);
  const go = useCallback((next: Screen) => {
    setScreen((current) => {
      // A result gives way to the next run's result (p), rather than stacking up behind it.
      const replaced = current.name === 'result' && next.name === 'provisioning';
      // Left for a provision: remembered with what was picked, for the way back.
      const left =
        current.name === 'subject' && next.name === 'provisioning'
          ? { ...current, picked: next.target.subject }
          : current;
      if (PLACES.has(current.name) && current.name !== next.name && !replaced) trail.current.push(left);
      return next;
    });
  }, []);
  const [history, setHistory] = useState<HistoryEntry[]>([]);
  const [limiter, setLimiter] = useState<LimiterSnapshot | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  // The provisioning call in flight, so quitting or going back stops waiting for it at once.
  const inFlight = useRef<AbortController | undefined>(undefined);
  /** Whether the call in flight has been written: before that, stopping it sends nothing. */
  const sent = useRef(false);

  const fail = useCallback((error: unknown, back: Screen = { name: 'apps' }) => {
    const message = error instanceof Error ? error.message : String(error);
    // A refused key or sign-in cannot be fixed by trying the same screen again: back to Connect.
    const signIn =
      (error as { code?: string }).code === 'auth' || (error as { code?: string }).code === 'config';
    // Nor is such a connection any use: it is closed (see the effect below), and the UI says so.
    if (signIn) setConnection(undefined);
    setScreen({ name: 'error', message, back: signIn ? { name: 'connect' } : back });
  }, []);

  // A connection still being opened (a simulator starting, a sign-in): if the UI is left before it
  // is ready, it is closed as soon as it is, so nothing keeps running or stays on disk.
  const opening = useRef<{ connection: Promise<Connection | undefined>; cancelled: boolean } | undefined>(
    undefined,
  );
  const open = useCallback(
    (flags: Record<string, unknown>) => {
      setScreen({ name: 'connecting' });
      const attempt = {
        cancelled: false,
        connection: props
          .connect(flags, (prompt) => setScreen({ name: 'connecting', prompt }))
          .then(
            async (opened) => {
              // Connected once it is: signed in, or the proxy took the key. Until then the status
              // line says "not connected", not where the calls would go.
              try {
                if (!attempt.cancelled)
                  await (opened.proxy
                    ? opened.proxy.listApprovals({ limit: 1 })
                    : opened.graph.checkSignIn());
              } catch (error) {
                await opened.close();
                if (!attempt.cancelled) fail(error, { name: 'connect' });
                return undefined;
              }
              if (attempt.cancelled) {
                await opened.close();
                return undefined;
              }
              setConnection(opened);
              // A new connection starts a new way: Esc never leads back into the last one's screens.
              trail.current = [];
              setScreen({ name: 'apps' });
              return opened;
            },
            (error) => {
              if (!attempt.cancelled) fail(error, { name: 'connect' });
              return undefined;
            },
          ),
      };
      opening.current = attempt;
    },
    [props.connect, fail],
  );

  /** Leaves a connection that is still being opened: it is closed once it is ready. */
  const cancelOpening = useCallback(() => {
    const attempt = opening.current;
    if (attempt) attempt.cancelled = true;
    opening.current = undefined;
    return attempt?.connection.then(() => undefined) ?? Promise.resolve();
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: connect once, at start, with the flags given then
  useEffect(() => {
    if (props.initialFlags) open(props.initialFlags);
  }, []);

  useEffect(
    () => () => {
      inFlight.current?.abort();
      void connection?.close();
    },
    [connection],
  );

  // The rate window of the app in use, refreshed while there is one.
  const spId =
    screen.name === 'provisioning'
      ? screen.target.sp.id
      : screen.name === 'result'
        ? screen.entry.target.sp.id
        : undefined;
  useEffect(() => {
    if (!connection || !spId) return;
    const refresh = () => void connection.graph.limiterSnapshot(spId)?.then(setLimiter);
    refresh();
    const timer = setInterval(refresh, 500);
    return () => clearInterval(timer);
  }, [connection, spId]);

  const provision = useCallback(
    (target: ProvisionTarget) => {
      if (!connection) return;
      setNotice(undefined);
      go({ name: 'provisioning', target });
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
        .provisionOnDemand(
          target.sp.id,
          target.job.id,
          body,
          // Through the proxy, a gated request waits for approval: show it, and that it is waiting.
          {
            signal: call.signal,
            onPending: (approval) => setScreen({ name: 'provisioning', target, approval, sent: true }),
            // After the rate window's grant, just before it is written: from here it cannot be taken back.
            beforeAttempt: async () => {
              sent.current = true;
              setScreen((shown) =>
                shown.name === 'provisioning' && shown.target === target ? { ...shown, sent: true } : shown,
              );
            },
          },
        )
        .then((result) => {
          const entry = { at: new Date(), target, result };
          setHistory((previous) => [entry, ...previous]);
          setScreen({ name: 'result', entry });
        })
        .catch((error) => {
          // Stopped on purpose: the screen has already moved on.
          if (!call.signal.aborted) fail(error, subjectScreenOf(target));
        });
    },
    [connection, fail, go],
  );

  const pickJob = useCallback(
    (app: AppChoice, job: AppChoice['jobs'][number]) => {
      if (!connection) return;
      connection.graph
        .getSynchronizationSchema(app.id, job.id)
        .then((schema) => {
          const rules = schema.synchronizationRules.map((rule) => ({
            id: rule.id,
            name: rule.name ?? rule.id,
            route: `${rule.sourceDirectoryName ?? '?'} → ${rule.targetDirectoryName ?? '?'}`,
            kinds: subjectKindsOf(rule),
          }));
          const base = { sp: { id: app.id, displayName: app.displayName }, job };
          // One rule: chosen for you.
          if (rules.length === 1)
            go({
              name: 'subject',
              target: { ...base, rule: { id: rules[0]!.id, name: rules[0]!.name, kinds: rules[0]!.kinds } },
            });
          else go({ name: 'rules', app, job, rules });
        })
        .catch((error) => fail(error, { name: 'apps' }));
    },
    [connection, fail, go],
  );

  const quit = useCallback(
    (how?: 'interrupt') => {
      if (how === 'interrupt') props.onInterrupted?.();
      inFlight.current?.abort();
      const closing = connection ? connection.close() : Promise.resolve();
      // Ink's exit comes at once; what is still opening is closed when it is ready (see the command).
      props.onLeave?.(
        Promise.all([closing, connection ? Promise.resolve() : cancelOpening()]).then(() => undefined),
      );
      exit();
    },
    [connection, exit, cancelOpening, props.onLeave, props.onInterrupted],
  );

  /** Stops waiting for a held request: it stays pending at the proxy, as the note says. */
  const stopWaiting = (approval: PendingApproval): string => {
    inFlight.current?.abort();
    return `stopped waiting: approval ${approval.id} stays pending (${approval.url}); ondemand approvals withdraw ${approval.id} withdraws it`;
  };

  // Esc: one step back along the way you came; from the first place, to another connection.
  const back = () => {
    setNotice(undefined);
    const previous = trail.current.pop();
    if (previous) setScreen(previous);
    else if (screen.name === 'apps') {
      // Another connection: this one is closed by the effect that owns it.
      setConnection(undefined);
      setScreen({ name: 'connect' });
    }
  };
  const nav: Navigation = {
    back,
    backLabel: screen.name === 'apps' && trail.current.length === 0 ? 'other connection' : 'back',
    quit,
    // The frame around a list: status and rate lines, margins, a heading, a title, the search, the
    // list's own "more" line, the help bar, Ink's last newline, and a row for a notice.
    listRows: Math.max(5, height - 11),
    ...(connection?.proxy
      ? {
          proxy: {
            approvals: () => setScreen({ name: 'inbox', back: screen }),
            audit: () => setScreen({ name: 'audit', back: screen }),
          },
        }
      : {}),
  };
  const frame = (body: ReactNode, limiterShown = true) => (
    // Only a fixed width is set: otherwise Ink lays the frame out to the terminal, at once on a resize
    // (before the size below catches up), so a narrowed window never shows a frame wider than itself.
    <Box flexDirection="column" width={props.width}>
      <StatusBar
        connection={connection?.description ?? 'not connected'}
        limiter={limiterShown ? limiter : undefined}
        theme={theme}
        width={width}
      />
      {body}
    </Box>
  );

  // One key router for every screen, kept across them: each screen takes its keys as it shows.
  return <KeyRouter>{currentScreen()}</KeyRouter>;

  function currentScreen(): ReactNode {
    switch (screen.name) {
      case 'connect':
        return frame(<ConnectScreen env={props.env} theme={theme} onConnect={open} onQuit={quit} />);
      case 'connecting':
        return frame(
          <ConnectingScreen
            prompt={screen.prompt}
            theme={theme}
            onCancel={() => {
              void cancelOpening();
              setScreen({ name: 'connect' });
            }}
            onQuit={quit}
          />,
        );
      case 'apps':
        return connection
          ? frame(
              <AppsScreen
                graph={connection.graph}
                theme={theme}
                nav={nav}
                onError={fail}
                onPick={(app) =>
                  app.jobs.length === 1 ? pickJob(app, app.jobs[0]!) : go({ name: 'jobs', app })
                }
              />,
            )
          : null;
      case 'jobs': {
        const { app } = screen;
        return frame(
          <ListScreen
            title={`Jobs of ${app.displayName}`}
            items={app.jobs.map((job) => ({ key: job.id, label: job.templateId, hint: job.id, value: job }))}
            theme={theme}
            nav={nav}
            onSelect={(job) => pickJob(app, job)}
          />,
        );
      }
      case 'rules': {
        const { app, job } = screen;
        return frame(
          <ListScreen
            title="Pick the rule"
            items={screen.rules.map((rule) => ({
              key: rule.id,
              label: rule.name,
              hint: `${rule.route} · ${rule.id}`,
              value: rule,
            }))}
            theme={theme}
            nav={nav}
            onSelect={(rule) =>
              go({
                name: 'subject',
                target: {
                  sp: { id: app.id, displayName: app.displayName },
                  job,
                  rule: { id: rule.id, name: rule.name, kinds: rule.kinds },
                },
              })
            }
          />,
        );
      }
      case 'subject': {
        const { target } = screen;
        return connection
          ? frame(
              <SubjectScreen
                graph={connection.graph}
                theme={theme}
                nav={nav}
                heading={`${target.sp.displayName} · job ${target.job.templateId} · rule ${target.rule.name}`}
                notice={notice}
                kinds={target.rule.kinds}
                {...(screen.picked?.kind === 'dn' ? { initialDn: screen.picked.id } : {})}
                onError={fail}
                onPick={(subject) => provision({ ...target, subject })}
              />,
            )
          : null;
      }
      case 'provisioning': {
        const { target, approval } = screen;
        return frame(
          <ProvisioningScreen
            target={target}
            approval={approval}
            sent={screen.sent === true}
            theme={theme}
            onQuit={(how) => {
              props.onExitNote?.(
                sent.current
                  ? 'quit: the call was sent and runs to its end at Graph; its result was not shown'
                  : 'quit: the call was waiting for the rate window and was not sent',
              );
              quit(how);
            }}
            onCancel={() => {
              // Not yet written: stopping it sends nothing (the call's own catch stays quiet).
              inFlight.current?.abort();
              setNotice('cancelled: the call was waiting for the rate window and was not sent');
              setScreen(trail.current.pop() ?? subjectScreenOf(target));
            }}
            onStopWaiting={() => {
              if (approval) setNotice(stopWaiting(approval));
              setScreen(trail.current.pop() ?? subjectScreenOf(target));
            }}
            onStopWaitingAndQuit={() => {
              if (approval) props.onExitNote?.(stopWaiting(approval));
              quit();
            }}
            onWithdraw={() => {
              // The follow-up sees it withdrawn and says so.
              if (approval && connection?.proxy)
                connection.proxy.withdraw(approval.id).catch((error: Error) => setNotice(error.message));
            }}
          />,
          // Held for approval, it has not run at Graph: its window is not this call's to show.
          approval === undefined,
        );
      }
      case 'result': {
        const { entry } = screen;
        return frame(
          <ResultScreen
            // A new result starts with the steps, not the previous one's raw view.
            key={entry.at.getTime()}
            entry={entry}
            theme={theme}
            nav={nav}
            cwd={props.cwd}
            width={width}
            height={height}
            onProvisionAgain={() => provision(entry.target)}
            onNewSubject={() => go(subjectScreenOf(entry.target))}
            onHistory={() => go({ name: 'history' })}
            onApps={() => go({ name: 'apps' })}
          />,
        );
      }
      case 'history':
        return frame(
          <ListScreen
            title={`This session's provisions (${history.length})`}
            items={history.map((entry, index) => ({
              key: String(index),
              label: `${entry.at.toLocaleTimeString()}  ${entry.result.result.padEnd(8)} ${describeTarget(entry.target)}`,
              value: entry,
            }))}
            theme={theme}
            nav={nav}
            enter="show"
            onSelect={(entry) => go({ name: 'result', entry })}
            empty="nothing provisioned yet"
          />,
        );
      case 'inbox':
      case 'audit': {
        if (!connection?.proxy) return null;
        const ProxyScreen = screen.name === 'inbox' ? ApprovalsInbox : AuditScreen;
        const returnTo = screen.back;
        return frame(
          <ProxyScreen
            proxy={connection.proxy}
            theme={theme}
            env={props.env}
            width={width}
            height={height - 1}
            onExit={() => setScreen(returnTo)}
            onQuit={quit}
          />,
          false,
        );
      }
      case 'error': {
        const returnTo = screen.back;
        return frame(
          <ErrorScreen
            message={screen.message}
            theme={theme}
            onBack={() => setScreen(returnTo)}
            onQuit={quit}
          />,
        );
      }
    }
  }
}

/** The subject screen a target was picked on: where a failed or abandoned provision goes back to. */
function subjectScreenOf(
  target: Omit<ProvisionTarget, 'subject'> & Partial<Pick<ProvisionTarget, 'subject'>>,
): Screen {
  return { name: 'subject', target };
}
