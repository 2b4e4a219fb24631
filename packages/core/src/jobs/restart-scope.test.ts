import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRestartScope, RESTART_SCOPE_FLAGS, restartEffects } from './restart-scope.js';

describe('parseRestartScope', () => {
  it('reads the documented flags in any case, with spaces, once each', () => {
    expect(parseRestartScope('watermark, Escrows,QUARANTINESTATE,Escrows')).toEqual({
      ok: true,
      flags: ['Watermark', 'Escrows', 'QuarantineState'],
      empty: false,
    });
  });

  it('reads an empty or absent scope as the portal’s restart: quarantine, watermark and escrows', () => {
    for (const text of ['', ' , ', undefined, null]) {
      const scope = parseRestartScope(text);
      expect(scope).toEqual({ ok: true, flags: [], empty: true });
      if (scope.ok)
        expect([...restartEffects(scope)].sort()).toEqual(['Escrows', 'QuarantineState', 'Watermark']);
    }
  });

  it('lists the names it does not know', () => {
    expect(parseRestartScope('Watermark, Everything, cache')).toEqual({
      ok: false,
      unknown: ['Everything', 'cache'],
    });
  });

  it('expands Full to every flag but None', () => {
    const scope = parseRestartScope('Full');
    expect(scope.ok && [...restartEffects(scope)].sort()).toEqual([
      'ConnectorDataStore',
      'Escrows',
      'ForceDeletes',
      'QuarantineState',
      'Watermark',
    ]);
  });

  it('reads back every combination of flags it is given, whatever the case', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.constantFrom(...RESTART_SCOPE_FLAGS), { minLength: 1 }),
        fc.boolean(),
        (flags, lower) => {
          const text = flags.map((flag) => (lower ? flag.toLowerCase() : flag)).join(', ');
          expect(parseRestartScope(text)).toEqual({ ok: true, flags, empty: false });
        },
      ),
    );
  });
});
