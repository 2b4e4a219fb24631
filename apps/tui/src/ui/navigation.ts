import type { DeviceCodePrompt, PendingApproval } from '@ondemand/transport';
import type { AppChoice } from './AppsScreen.js';
import type { JobTarget } from './JobScreen.js';
import type { HistoryEntry, ProvisionTarget, SubjectKind } from './model.js';
import type { WhyTarget } from './WhyScreen.js';

/** A rule of the job, as the rule screen lists it and the subject screen uses it. */
export type RuleChoice = { id: string; name: string; route: string; kinds: SubjectKind[] };

/** Every screen of the UI and what it shows. */
export type Screen =
  | { name: 'connect' }
  | { name: 'connecting'; prompt?: DeviceCodePrompt }
  | { name: 'apps' }
  | { name: 'jobs'; app: AppChoice }
  | { name: 'rules'; app: AppChoice; job: AppChoice['jobs'][number]; rules: RuleChoice[] }
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
  | { name: 'why'; target: WhyTarget }
  | { name: 'job'; target: JobTarget }
  | { name: 'inbox'; back: Screen }
  | { name: 'audit'; back: Screen }
  | { name: 'error'; message: string; back: Screen };

/** The screen shown, and the places passed through on the way to it (where Esc goes). */
export interface NavigationState {
  screen: Screen;
  trail: Screen[];
}

/**
 * What moves the UI: `go` somewhere (remembering where it was, if that is a place), `back` along
 * the trail, `show` a screen without remembering (a wait, a note, an update of the one shown),
 * `restart` at a screen with no way back (a new connection), `update` the shown screen if it is still
 * the one `matches` picks.
 */
export type NavigationAction =
  | { type: 'go'; to: Screen }
  | { type: 'back'; otherwise?: Screen }
  | { type: 'show'; screen: Screen }
  | { type: 'restart'; at: Screen }
  | { type: 'update'; matches: (screen: Screen) => boolean; with: (screen: Screen) => Screen };

/** Screens one goes back to with Esc; the others (connecting, provisioning, an error) are waits or notes. */
const PLACES = new Set<Screen['name']>([
  'connect',
  'apps',
  'jobs',
  'rules',
  'subject',
  'result',
  'history',
  'why',
  'job',
]);

/** The UI's navigation as a pure function: tested without a terminal. */
export function navigate(state: NavigationState, action: NavigationAction): NavigationState {
  switch (action.type) {
    case 'go': {
      const { screen: current } = state;
      const next = action.to;
      // A result gives way to the next run's result (p), rather than stacking up behind it.
      const replaced = current.name === 'result' && next.name === 'provisioning';
      // Left for a provision: remembered with what was picked, for the way back.
      const left: Screen =
        current.name === 'subject' && next.name === 'provisioning'
          ? { ...current, picked: next.target.subject }
          : current;
      const remember = PLACES.has(current.name) && current.name !== next.name && !replaced;
      return { screen: next, trail: remember ? [...state.trail, left] : state.trail };
    }
    case 'back': {
      const previous = state.trail.at(-1);
      if (previous) return { screen: previous, trail: state.trail.slice(0, -1) };
      return action.otherwise ? { screen: action.otherwise, trail: [] } : state;
    }
    case 'show':
      return { ...state, screen: action.screen };
    case 'restart':
      return { screen: action.at, trail: [] };
    case 'update':
      return action.matches(state.screen) ? { ...state, screen: action.with(state.screen) } : state;
  }
}

/** The subject screen a target was picked on: where a failed or abandoned provision goes back to. */
export function subjectScreenOf(
  target: Omit<ProvisionTarget, 'subject'> & Partial<Pick<ProvisionTarget, 'subject'>>,
): Screen {
  return { name: 'subject', target };
}
