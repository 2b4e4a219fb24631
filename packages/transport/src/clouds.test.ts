import { describe, expect, it } from 'vitest';
import { resolveEndpoints } from './clouds.js';
import { ConfigError } from './errors.js';

describe('resolveEndpoints', () => {
  it.each([
    [
      'global',
      'https://graph.microsoft.com/v1.0',
      'https://login.microsoftonline.com',
      'https://graph.microsoft.com/.default',
    ],
    [
      'usgov',
      'https://graph.microsoft.us/v1.0',
      'https://login.microsoftonline.us',
      'https://graph.microsoft.us/.default',
    ],
    [
      'dod',
      'https://dod-graph.microsoft.us/v1.0',
      'https://login.microsoftonline.us',
      'https://dod-graph.microsoft.us/.default',
    ],
  ])('knows the %s cloud', (cloud, graph, login, scope) => {
    expect(resolveEndpoints({ cloud })).toMatchObject({
      graphBaseUrl: graph,
      loginUrl: login,
      scope,
      custom: false,
    });
  });

  it('refuses China with the reason', () => {
    expect(() => resolveEndpoints({ cloud: 'china' })).toThrow(
      new ConfigError(
        'provisionOnDemand is not available in the China cloud (21Vianet): use the Entra admin center there, or pick cloud global, usgov or dod',
      ),
    );
    expect(() => resolveEndpoints({ cloud: 'mars' })).toThrow(/unknown cloud "mars"/);
  });

  it('takes a custom base URL (simulator, proxy) as first-class, login on the same host unless told', () => {
    expect(resolveEndpoints({ baseUrl: 'https://127.0.0.1:8443/' })).toEqual({
      graphBaseUrl: 'https://127.0.0.1:8443/v1.0',
      loginUrl: 'https://127.0.0.1:8443',
      scope: 'https://graph.microsoft.com/.default',
      custom: true,
    });
    expect(
      resolveEndpoints({
        baseUrl: 'https://proxy.example/v1.0',
        apiVersion: 'beta',
        loginUrl: 'https://login.example',
      }),
    ).toMatchObject({ graphBaseUrl: 'https://proxy.example/beta', loginUrl: 'https://login.example' });
    expect(() => resolveEndpoints({ baseUrl: 'ftp:/x' })).toThrow(
      /baseUrl "ftp:\/x" is not an http\(s\) URL/,
    );
  });
});
