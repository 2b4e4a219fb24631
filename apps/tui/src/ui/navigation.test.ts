import { describe, expect, it } from 'vitest';
import type { ProvisionTarget } from './model.js';
import { type NavigationState, navigate, type Screen } from './navigation.js';

const target: ProvisionTarget = {
  sp: { id: 'sp', displayName: 'Contoso' },
  job: { id: 'job', templateId: 'scim' } as ProvisionTarget['job'],
  rule: { id: 'r', name: 'USER', kinds: ['user'] },
  subject: { kind: 'dn', id: 'CN=A,DC=x' } as ProvisionTarget['subject'],
};
const start: NavigationState = { screen: { name: 'apps' }, trail: [] };
const walk = (state: NavigationState, ...screens: Screen[]) =>
  screens.reduce((at, to) => navigate(at, { type: 'go', to }), state);

describe('navigate', () => {
  it('walks back along the places passed through, not the waits between them', () => {
    const subject: Screen = { name: 'subject', target };
    const there = walk(
      start,
      subject,
      { name: 'provisioning', target },
      { name: 'result', entry: {} as never },
    );
    expect(there.trail.map((screen) => screen.name)).toEqual(['apps', 'subject']);
    const back = navigate(there, { type: 'back' });
    // The subject screen comes back with what was picked on it: a DN typed stays typed.
    expect(back.screen).toEqual({ ...subject, picked: target.subject });
    expect(navigate(back, { type: 'back' }).screen).toEqual({ name: 'apps' });
  });

  it('lets a new run replace the result it came from, rather than stacking results', () => {
    const result: Screen = { name: 'result', entry: {} as never };
    const again = walk(start, result, { name: 'provisioning', target }, result);
    expect(again.trail.map((screen) => screen.name)).toEqual(['apps']);
  });

  it('goes elsewhere from the first place only when told where, and a restart has no way back', () => {
    expect(navigate(start, { type: 'back' })).toBe(start);
    expect(navigate(start, { type: 'back', otherwise: { name: 'connect' } })).toEqual({
      screen: { name: 'connect' },
      trail: [],
    });
    const deep = walk(start, { name: 'history' });
    expect(navigate(deep, { type: 'restart', at: { name: 'apps' } }).trail).toEqual([]);
  });

  it('updates the shown screen only while it is still the one meant', () => {
    const provisioning: NavigationState = { screen: { name: 'provisioning', target }, trail: [] };
    const sent = (state: NavigationState) =>
      navigate(state, {
        type: 'update',
        matches: (screen) => screen.name === 'provisioning' && screen.target === target,
        with: (screen) => ({ ...screen, sent: true }) as Screen,
      });
    expect(sent(provisioning).screen).toMatchObject({ sent: true });
    expect(sent(start)).toBe(start);
  });
});
