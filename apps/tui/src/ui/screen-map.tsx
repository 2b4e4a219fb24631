import type { ReactNode } from 'react';
import type { Theme } from '../colour.js';
import type { Connection } from '../connection.js';
import { ApprovalsInbox } from './ApprovalsInbox.js';
import { type AppChoice, AppsScreen } from './AppsScreen.js';
import { AuditScreen } from './AuditScreen.js';
import { ConnectingScreen } from './ConnectingScreen.js';
import { ConnectScreen } from './ConnectScreen.js';
import { ErrorScreen } from './ErrorScreen.js';
import { JobScreen } from './JobScreen.js';
import type { Navigation } from './key-bindings.js';
import { ListScreen } from './ListScreen.js';
import { describeTarget, type ProvisionTarget } from './model.js';
import { type Screen, subjectScreenOf } from './navigation.js';
import { ProvisioningScreen } from './ProvisioningScreen.js';
import { ResultScreen } from './ResultScreen.js';
import { SubjectScreen } from './SubjectScreen.js';
import type { Navigator } from './use-navigation.js';
import type { useProvisioning } from './use-provisioning.js';
import { WhyScreen } from './WhyScreen.js';

/** What every screen may need: the connection, the app's actions, and the body's size. */
export interface ScreenDeps {
  connection: Connection | undefined;
  theme: Theme;
  env: Record<string, string | undefined>;
  cwd: string;
  nav: Navigation;
  navigator: Navigator;
  calls: ReturnType<typeof useProvisioning>;
  notice: string | undefined;
  setNotice: (notice: string | undefined) => void;
  width: number;
  /** Rows below the frame's status line. */
  bodyHeight: number;
  open: (flags: Record<string, unknown>) => void;
  cancelOpening: () => Promise<void>;
  pickJob: (app: AppChoice, job: AppChoice['jobs'][number]) => void;
  fail: (error: unknown, back?: Screen) => void;
  quit: (how?: 'interrupt') => void;
  onExitNote: ((note: string) => void) | undefined;
}

/** A screen's body, and whether the frame shows the rate window above it. */
export interface ScreenBody {
  body: ReactNode;
  rateWindow: boolean;
}

const shown = (body: ReactNode, rateWindow = true): ScreenBody => ({ body, rateWindow });

/** The screen map: each screen's component, wired to the app's actions. */
export function screenBody(screen: Screen, deps: ScreenDeps): ScreenBody {
  const { connection, theme, nav, navigator, calls } = deps;
  switch (screen.name) {
    case 'connect':
      return shown(<ConnectScreen env={deps.env} theme={theme} onConnect={deps.open} onQuit={deps.quit} />);
    case 'connecting':
      return shown(
        <ConnectingScreen
          prompt={screen.prompt}
          theme={theme}
          onCancel={() => {
            void deps.cancelOpening();
            navigator.show({ name: 'connect' });
          }}
          onQuit={deps.quit}
        />,
      );
    case 'apps':
      return shown(
        connection ? (
          <AppsScreen
            graph={connection.graph}
            theme={theme}
            nav={nav}
            onError={deps.fail}
            onPick={(app) =>
              app.jobs.length === 1 ? deps.pickJob(app, app.jobs[0]!) : navigator.go({ name: 'jobs', app })
            }
          />
        ) : null,
      );
    case 'jobs': {
      const { app } = screen;
      return shown(
        <ListScreen
          title={`Jobs of ${app.displayName}`}
          items={app.jobs.map((job) => ({ key: job.id, label: job.templateId, hint: job.id, value: job }))}
          theme={theme}
          nav={nav}
          onSelect={(job) => deps.pickJob(app, job)}
        />,
      );
    }
    case 'rules': {
      const { app, job } = screen;
      return shown(
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
            navigator.go({
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
      return shown(
        connection ? (
          <SubjectScreen
            graph={connection.graph}
            theme={theme}
            nav={nav}
            heading={`${target.sp.displayName} · job ${target.job.templateId} · rule ${target.rule.name}`}
            notice={deps.notice}
            kinds={target.rule.kinds}
            {...(screen.picked?.kind === 'dn' ? { initialDn: screen.picked.id } : {})}
            onError={deps.fail}
            onPick={(subject) => {
              deps.setNotice(undefined);
              calls.provision({ ...target, subject });
            }}
          />
        ) : null,
      );
    }
    case 'provisioning':
      return provisioningBody(screen, deps);
    case 'result': {
      const { entry } = screen;
      return shown(
        <ResultScreen
          // A new result starts with the steps, not the previous one's raw view.
          key={entry.at.getTime()}
          entry={entry}
          theme={theme}
          nav={nav}
          cwd={deps.cwd}
          width={deps.width}
          height={deps.bodyHeight}
          onProvisionAgain={() => {
            deps.setNotice(undefined);
            calls.provision(entry.target);
          }}
          onNewSubject={() => navigator.go(subjectScreenOf(entry.target))}
          onHistory={() => navigator.go({ name: 'history' })}
          onApps={() => navigator.go({ name: 'apps' })}
          onWhy={
            entry.target.subject.kind === 'user'
              ? () =>
                  navigator.go({
                    name: 'why',
                    target: {
                      user: { id: entry.target.subject.id, label: entry.target.subject.label },
                      app: entry.target.sp,
                    },
                  })
              : undefined
          }
          onJob={() =>
            navigator.go({ name: 'job', target: { app: entry.target.sp, jobId: entry.target.job.id } })
          }
        />,
      );
    }
    case 'job':
    case 'why': {
      if (!connection) return shown(null, false);
      // Both read a piece of the tenant and show it scrollable, with r to read again.
      const sized = { graph: connection.graph, theme, nav, width: deps.width, height: deps.bodyHeight };
      return shown(
        screen.name === 'job' ? (
          <JobScreen {...sized} target={screen.target} />
        ) : (
          <WhyScreen {...sized} target={screen.target} />
        ),
        false,
      );
    }
    case 'history':
      return shown(
        <ListScreen
          title={`This session's provisions (${calls.history.length})`}
          items={calls.history.map((entry, index) => ({
            key: String(index),
            label: `${entry.at.toLocaleTimeString()}  ${entry.result.result.padEnd(8)} ${describeTarget(entry.target)}`,
            value: entry,
          }))}
          theme={theme}
          nav={nav}
          enter="show"
          onSelect={(entry) => navigator.go({ name: 'result', entry })}
          empty="nothing provisioned yet"
        />,
      );
    case 'inbox':
    case 'audit': {
      if (!connection?.proxy) return shown(null);
      const ProxyScreen = screen.name === 'inbox' ? ApprovalsInbox : AuditScreen;
      const returnTo = screen.back;
      return shown(
        <ProxyScreen
          proxy={connection.proxy}
          graph={connection.graph}
          theme={theme}
          env={deps.env}
          width={deps.width}
          height={deps.bodyHeight}
          onExit={() => navigator.show(returnTo)}
          onQuit={deps.quit}
        />,
        false,
      );
    }
    case 'error': {
      const returnTo = screen.back;
      return shown(
        <ErrorScreen
          message={screen.message}
          theme={theme}
          onBack={() => navigator.show(returnTo)}
          onQuit={deps.quit}
        />,
      );
    }
  }
}

/** A call under way: cancel it while unsent, stop waiting for a held one, or withdraw it. */
function provisioningBody(screen: Extract<Screen, { name: 'provisioning' }>, deps: ScreenDeps): ScreenBody {
  const { target, approval } = screen;
  const { calls, navigator } = deps;
  const backTo = (target: ProvisionTarget) => navigator.back(subjectScreenOf(target));
  return shown(
    <ProvisioningScreen
      target={target}
      approval={approval}
      sent={screen.sent === true}
      theme={deps.theme}
      onQuit={(how) => {
        deps.onExitNote?.(
          calls.wasSent()
            ? 'quit: the call was sent and runs to its end at Graph; its result was not shown'
            : 'quit: the call was waiting for the rate window and was not sent',
        );
        deps.quit(how);
      }}
      onCancel={() => {
        // Not yet written: stopping it sends nothing (the call's own catch stays quiet).
        calls.stop();
        deps.setNotice('cancelled: the call was waiting for the rate window and was not sent');
        backTo(target);
      }}
      onStopWaiting={() => {
        if (approval) deps.setNotice(calls.stopWaiting(approval));
        backTo(target);
      }}
      onStopWaitingAndQuit={() => {
        if (approval) deps.onExitNote?.(calls.stopWaiting(approval));
        deps.quit();
      }}
      onWithdraw={() => {
        // The follow-up sees it withdrawn and says so.
        if (approval && deps.connection?.proxy)
          deps.connection.proxy.withdraw(approval.id).catch((error: Error) => deps.setNotice(error.message));
      }}
    />,
    // Held for approval, it has not run at Graph: its window is not this call's to show.
    approval === undefined,
  );
}
