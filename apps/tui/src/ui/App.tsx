import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { LimiterSnapshot } from '@ondemand/core';
import type { DeviceCodePrompt, PendingApproval } from '@ondemand/transport';
import { Box, Text, useApp } from 'ink';
import Spinner from 'ink-spinner';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Connection } from '../connection.js';
import { ApprovalsInbox } from './ApprovalsInbox.js';
import { type AppChoice, AppsScreen } from './AppsScreen.js';
import { AuditScreen } from './AuditScreen.js';
import { ConnectScreen } from './ConnectScreen.js';
import { HelpBar } from './HelpBar.js';
import { describeTarget, type HistoryEntry, type ProvisionTarget, savedResultText } from './model.js';
import { ResultView } from './ResultView.js';
import { type ListItem, SelectList } from './SelectList.js';
import { StatusBar } from './StatusBar.js';
import { SubjectScreen } from './SubjectScreen.js';
import { themeFor } from './theme.js';
import { useKeys } from './use-keys.js';

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
      rules: Array<{ id: string; name: string; route: string; cloudSync: boolean }>;
    }
  | { name: 'subject'; target: Omit<ProvisionTarget, 'subject'>; cloudSync: boolean }
  | { name: 'provisioning'; target: ProvisionTarget; approval?: PendingApproval }
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
  width?: number;
  height?: number;
  /** A line to print once the UI has closed (what became of a request it stopped waiting for). */
  onExitNote?: (note: string) => void;
  /** What is still being closed as the UI quits: the command waits for it before it returns. */
  onLeave?: (closing: Promise<void>) => void;
}

/** The interactive `ondemand`: connect, pick app, job, rule and subject, provision, read every step. */
export function App(props: AppProps) {
  const { exit } = useApp();
  const theme = themeFor(props.env);
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
      if (PLACES.has(current.name) && current.name !== next.name && !replaced) trail.current.push(current);
      return next;
    });
  }, []);
  const [history, setHistory] = useState<HistoryEntry[]>([]);
  const [limiter, setLimiter] = useState<LimiterSnapshot | undefined>();
  const [raw, setRaw] = useState(false);
  const [details, setDetails] = useState(false);
  const [notice, setNotice] = useState<string | undefined>();
  // The provisioning call in flight, so quitting or going back stops waiting for it at once.
  const inFlight = useRef<AbortController | undefined>(undefined);

  const fail = useCallback((error: unknown, back: Screen = { name: 'apps' }) => {
    const message = error instanceof Error ? error.message : String(error);
    // A refused key or sign-in cannot be fixed by trying the same screen again: back to Connect.
    const signIn =
      (error as { code?: string }).code === 'auth' || (error as { code?: string }).code === 'config';
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
              if (attempt.cancelled) {
                await opened.close();
                return undefined;
              }
              setConnection(opened);
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
      setRaw(false);
      setNotice(undefined);
      go({ name: 'provisioning', target });
      const { subject } = target;
      const subjects =
        subject.kind === 'group'
          ? [
              {
                objectId: subject.id,
                objectTypeName: 'Group',
                ...(subject.members.length > 0
                  ? {
                      links: {
                        members: subject.members.map((member) => ({
                          objectId: member.id,
                          objectTypeName: 'User',
                        })),
                      },
                    }
                  : {}),
              },
            ]
          : [{ objectId: subject.id, objectTypeName: subject.kind === 'dn' ? 'user' : 'User' }];
      const call = new AbortController();
      inFlight.current = call;
      connection.graph
        .provisionOnDemand(
          target.sp.id,
          target.job.id,
          { parameters: [{ ruleId: target.rule.id, subjects }] },
          // Through the proxy, a gated request waits for approval: show it, and that it is waiting.
          {
            signal: call.signal,
            onPending: (approval) => setScreen({ name: 'provisioning', target, approval }),
          },
        )
        .then((result) => {
          const entry = { at: new Date(), target, result };
          setHistory((previous) => [entry, ...previous]);
          setScreen({ name: 'result', entry });
        })
        .catch((error) => {
          // Stopped on purpose: the screen has already moved on.
          if (!call.signal.aborted)
            fail(error, { name: 'subject', target, cloudSync: subject.kind === 'dn' });
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
            cloudSync: (rule.objectMappings ?? []).some((mapping) => mapping.sourceObjectName === 'user'),
          }));
          const base = { sp: { id: app.id, displayName: app.displayName }, job };
          // One rule: chosen for you.
          if (rules.length === 1)
            go({
              name: 'subject',
              target: { ...base, rule: { id: rules[0]!.id, name: rules[0]!.name } },
              cloudSync: rules[0]!.cloudSync,
            });
          else go({ name: 'rules', app, job, rules });
        })
        .catch((error) => fail(error, { name: 'apps' }));
    },
    [connection, fail, go],
  );

  const quit = useCallback(() => {
    inFlight.current?.abort();
    const closing = connection ? connection.close() : Promise.resolve();
    // Ink's exit comes at once; what is still opening is closed when it is ready (see the command).
    props.onLeave?.(
      Promise.all([closing, connection ? Promise.resolve() : cancelOpening()]).then(() => undefined),
    );
    exit();
  }, [connection, exit, cancelOpening, props.onLeave]);

  /** Stops waiting for a held request: it stays pending at the proxy, as the note says. */
  const stopWaiting = (approval: PendingApproval): string => {
    inFlight.current?.abort();
    return `stopped waiting: approval ${approval.id} stays pending (${approval.url}); ondemand approvals withdraw ${approval.id} withdraws it`;
  };

  const proxyScreens = (back: Screen) => (input: string) => {
    if (!connection?.proxy) return false;
    if (input === 'i') setScreen({ name: 'inbox', back });
    else if (input === 'u') setScreen({ name: 'audit', back });
    else return false;
    return true;
  };

  // On screens with a text field, letters are typed, not commands; the inbox and audit screens keep their own keys.
  const typing = screen.name === 'apps' || screen.name === 'subject' || screen.name === 'connect';
  useKeys((input, key) => {
    if (screen.name === 'inbox' || screen.name === 'audit') {
      if (key.ctrl && input === 'c') quit();
      return;
    }
    const waiting =
      screen.name === 'provisioning' && screen.approval?.state === 'pending' ? screen.approval : undefined;
    if (waiting && screen.name === 'provisioning') {
      if ((key.ctrl && input === 'c') || input === 'q') {
        props.onExitNote?.(stopWaiting(waiting));
        quit();
      } else if (key.escape) {
        setNotice(stopWaiting(waiting));
        setScreen(
          trail.current.pop() ?? {
            name: 'subject',
            target: screen.target,
            cloudSync: screen.target.subject.kind === 'dn',
          },
        );
      } else if (input === 'w' && connection?.proxy) {
        // The follow-up sees it withdrawn and says so.
        connection.proxy.withdraw(waiting.id).catch((error: Error) => setNotice(error.message));
      }
      return;
    }
    if (key.ctrl && input === 'c') return quit();
    if (key.tab && screen.name === 'apps' && connection?.proxy) {
      setScreen({ name: 'inbox', back: screen });
      return;
    }
    if (key.escape && screen.name === 'connecting') {
      void cancelOpening();
      setScreen({ name: 'connect' });
      return;
    }
    if (key.escape) {
      setNotice(undefined);
      if (screen.name === 'error') setScreen(screen.back);
      else {
        const previous = trail.current.pop();
        if (previous) setScreen(previous);
        else if (screen.name === 'apps') {
          // Back from the first place: another connection.
          void connection?.close();
          setConnection(undefined);
          setScreen({ name: 'connect' });
        }
      }
      return;
    }
    if (typing) return;
    if (input === 'q') quit();
    else if (proxyScreens(screen)(input)) return;
    else if (screen.name === 'result') {
      if (input === 'p') provision(screen.entry.target);
      else if (input === 'n')
        go({
          name: 'subject',
          target: screen.entry.target,
          cloudSync: screen.entry.target.subject.kind === 'dn',
        });
      else if (input === 'j') setRaw(!raw);
      else if (input === 'd') setDetails(!details);
      else if (input === 'h') go({ name: 'history' });
      else if (input === 'a') go({ name: 'apps' });
      else if (input === 's') {
        const file = resolve(
          props.cwd,
          `ondemand-result-${screen.entry.at.toISOString().replace(/[:.]/g, '-')}.json`,
        );
        writeFile(file, savedResultText(screen.entry))
          .then(() => setNotice(`saved ${file}`))
          .catch((error) => setNotice(`could not save: ${(error as Error).message}`));
      }
    }
  });

  const proxyKeys: Array<[string, string]> = connection?.proxy
    ? [
        ['i', 'approvals'],
        ['u', 'audit'],
      ]
    : [];
  // Each screen's keys, exactly: what is listed works there, and nothing that works is left out.
  const quitKey: [string, string] = typing ? ['Ctrl-C', 'quit'] : ['q', 'quit'];
  const moveAndPick: Array<[string, string]> = [
    ['↑↓', 'move'],
    ['Enter', 'pick'],
  ];
  let help: Array<[string, string]>;
  switch (screen.name) {
    case 'connect':
      help = [...moveAndPick, ['Ctrl-C', 'quit']];
      break;
    case 'connecting':
      help = [
        ['Esc', 'cancel'],
        ['q', 'quit'],
      ];
      break;
    case 'apps':
      help = [
        ...moveAndPick,
        ...(connection?.proxy ? ([['Tab', 'approvals']] as Array<[string, string]>) : []),
        ['Esc', 'other connection'],
        quitKey,
      ];
      break;
    case 'subject':
      help = [
        ...moveAndPick,
        ...(screen.cloudSync ? [] : ([['Tab', 'user/group']] as Array<[string, string]>)),
        ['Esc', 'back'],
        quitKey,
      ];
      break;
    case 'provisioning':
      help =
        screen.approval?.state === 'pending'
          ? [
              ['w', 'withdraw'],
              ['Esc', 'stop waiting'],
              ['q', 'stop waiting and quit'],
            ]
          : [['q', 'quit']];
      break;
    case 'result':
      help = [
        ['p', 'provision again'],
        ['n', 'new subject'],
        ['↑↓', 'scroll'],
        ['j', raw ? 'steps' : 'raw JSON'],
        ...(raw ? [] : ([['d', details ? 'fewer details' : 'all details']] as Array<[string, string]>)),
        ['s', 'save'],
        ['h', 'history'],
        ['a', 'apps'],
        ...proxyKeys,
        ['Esc', 'back'],
        ['q', 'quit'],
      ];
      break;
    case 'history':
      help = [['↑↓', 'move'], ['Enter', 'show'], ...proxyKeys, ['Esc', 'back'], ['q', 'quit']];
      break;
    case 'error':
      help = [
        ['Esc', 'back'],
        ['q', 'quit'],
      ];
      break;
    default:
      help = [...moveAndPick, ...proxyKeys, ['Esc', 'back'], quitKey];
  }

  if ((screen.name === 'inbox' || screen.name === 'audit') && connection?.proxy) {
    const Screen = screen.name === 'inbox' ? ApprovalsInbox : AuditScreen;
    const back = screen.back;
    return (
      <Box flexDirection="column" width={props.width}>
        <StatusBar connection={connection.description} theme={theme} />
        <Screen
          proxy={connection.proxy}
          theme={theme}
          env={props.env}
          width={props.width ?? 80}
          height={(props.height ?? 24) - 1}
          onExit={() => setScreen(back)}
          onQuit={quit}
        />
      </Box>
    );
  }

  return (
    <Box flexDirection="column" width={props.width}>
      <StatusBar connection={connection?.description ?? 'not connected'} limiter={limiter} theme={theme} />
      <Box flexDirection="column" marginY={1} flexGrow={1}>
        {screen.name === 'connect' ? <ConnectScreen env={props.env} theme={theme} onConnect={open} /> : null}
        {screen.name === 'connecting' ? (
          screen.prompt ? (
            <Box flexDirection="column">
              <Text bold>Sign in</Text>
              <Text wrap="wrap">{screen.prompt.message}</Text>
              <Text color={theme.color('gray')}>
                <Spinner type="dots" /> waiting for you to finish signing in…
              </Text>
            </Box>
          ) : (
            <Text>
              <Spinner type="dots" /> connecting…
            </Text>
          )
        ) : null}
        {screen.name === 'apps' && connection ? (
          <AppsScreen
            graph={connection.graph}
            theme={theme}
            onError={fail}
            onPick={(app) => (app.jobs.length === 1 ? pickJob(app, app.jobs[0]!) : go({ name: 'jobs', app }))}
          />
        ) : null}
        {screen.name === 'jobs' ? (
          <Box flexDirection="column">
            <Text bold>{`Jobs of ${screen.app.displayName}`}</Text>
            <SelectList
              items={screen.app.jobs.map((job) => ({
                key: job.id,
                label: job.templateId,
                hint: job.id,
                value: job,
              }))}
              theme={theme}
              onSelect={(job) => pickJob(screen.app, job)}
            />
          </Box>
        ) : null}
        {screen.name === 'rules' ? (
          <Box flexDirection="column">
            <Text bold>Pick the rule</Text>
            <SelectList
              items={screen.rules.map(
                (rule): ListItem<(typeof screen.rules)[number]> => ({
                  key: rule.id,
                  label: rule.name,
                  hint: `${rule.route} · ${rule.id}`,
                  value: rule,
                }),
              )}
              theme={theme}
              onSelect={(rule) =>
                go({
                  name: 'subject',
                  target: {
                    sp: { id: screen.app.id, displayName: screen.app.displayName },
                    job: screen.job,
                    rule: { id: rule.id, name: rule.name },
                  },
                  cloudSync: rule.cloudSync,
                })
              }
            />
          </Box>
        ) : null}
        {screen.name === 'subject' && connection ? (
          <Box flexDirection="column">
            <Text
              color={theme.color('gray')}
              wrap="truncate-end"
            >{`${screen.target.sp.displayName} · job ${screen.target.job.templateId} · rule ${screen.target.rule.name}`}</Text>
            {notice ? (
              <Text color={theme.color('yellow')} wrap="wrap">
                {notice}
              </Text>
            ) : null}
            <SubjectScreen
              graph={connection.graph}
              theme={theme}
              cloudSync={screen.cloudSync}
              onError={fail}
              onPick={(subject) => provision({ ...screen.target, subject })}
            />
          </Box>
        ) : null}
        {screen.name === 'provisioning' ? (
          <Box flexDirection="column">
            <Text>
              <Spinner type="dots" />
              {screen.approval
                ? ` ${screen.approval.state === 'pending' ? 'waiting for approval' : screen.approval.state}: ${describeTarget(screen.target)}`
                : ` provisioning ${describeTarget(screen.target)}…`}
            </Text>
            {screen.approval ? (
              <Text color={theme.color('gray')} wrap="wrap">
                {`The proxy holds this request until ${screen.approval.required ? `${screen.approval.required.count} ${screen.approval.required.roles.join('/')}` : 'an approver'} approves it: ${screen.approval.url}. Stopping the wait leaves it pending; w withdraws it.`}
              </Text>
            ) : null}
          </Box>
        ) : null}
        {screen.name === 'result' ? (
          <Box flexDirection="column">
            <Text color={theme.color('gray')} wrap="truncate-end">
              {describeTarget(screen.entry.target)}
            </Text>
            <ResultView
              result={screen.entry.result}
              theme={theme}
              raw={raw}
              details={details}
              width={props.width ?? 80}
              // The status bar, its rate line, the target line, the notice and the help bar take six.
              height={Math.max(6, (props.height ?? 24) - 8)}
            />
            {notice ? <Text color={theme.color('green')}>{notice}</Text> : null}
          </Box>
        ) : null}
        {screen.name === 'history' ? (
          <Box flexDirection="column">
            <Text bold>{`This session's provisions (${history.length})`}</Text>
            <SelectList
              items={history.map((entry, index) => ({
                key: String(index),
                label: `${entry.at.toLocaleTimeString()}  ${entry.result.result.padEnd(8)} ${describeTarget(entry.target)}`,
                value: entry,
              }))}
              theme={theme}
              onSelect={(entry) => go({ name: 'result', entry })}
              empty="nothing provisioned yet"
            />
          </Box>
        ) : null}
        {screen.name === 'error' ? (
          <Box flexDirection="column">
            <Text color={theme.color('red')} wrap="wrap">{`✗ ${screen.message}`}</Text>
            <Text color={theme.color('gray')}>Esc goes back</Text>
          </Box>
        ) : null}
      </Box>
      <HelpBar keys={help} theme={theme} />
    </Box>
  );
}
