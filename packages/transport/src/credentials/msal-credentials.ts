import { createPrivateKey, X509Certificate } from 'node:crypto';
import { inspect } from 'node:util';
import {
  type AccountInfo,
  type AuthenticationResult,
  ConfidentialClientApplication,
  type Configuration,
  LogLevel,
  PublicClientApplication,
} from '@azure/msal-node';
import type { Dispatcher } from 'undici';
import { AuthError, ConfigError } from '../errors.js';
import { UndiciNetworkClient } from './msal-network-client.js';
import type { AccessToken, TokenCredential } from './token-credential.js';

/** Where and as whom to sign in; `dispatcher` carries the CA to trust. */
export interface MsalCredentialOptions {
  tenantId: string;
  clientId: string;
  /** Entra ID's authority host for the cloud, or the simulator's URL. */
  loginUrl: string;
  dispatcher: Dispatcher;
}

const knownHosts = new Set(['login.microsoftonline.com', 'login.microsoftonline.us']);

/** What to tell a user for Entra ID's most common sign-in errors. */
const hints: Record<string, string> = {
  '7000215':
    'the client secret is wrong: use the secret value, not its id (AZURE_CLIENT_SECRET, --client-secret-file or --client-secret)',
  '7000222': 'the client secret has expired: create a new one in the app registration',
  '700016': 'no app with this client id in the tenant: check --client-id / AZURE_CLIENT_ID and --tenant',
  '90002': 'no such tenant: check --tenant / AZURE_TENANT_ID and the cloud',
  '700027': 'the certificate is not registered on the app: upload its public part to the app registration',
  '1002012': 'the scope must end with /.default for an app sign-in',
  '70016': 'the device code sign-in was not completed in time',
};

function msalConfig(
  options: MsalCredentialOptions,
  auth: Partial<Configuration['auth']>,
  networkClient: UndiciNetworkClient,
): Configuration {
  const host = new URL(options.loginUrl).host;
  return {
    auth: {
      clientId: options.clientId,
      authority: `${options.loginUrl}/${options.tenantId}`,
      // A custom authority (the simulator) is trusted as given instead of being looked up at Microsoft.
      ...(knownHosts.has(host) ? {} : { knownAuthorities: [host] }),
      ...auth,
    },
    system: {
      networkClient,
      loggerOptions: { piiLoggingEnabled: false, logLevel: LogLevel.Error, loggerCallback: () => {} },
    },
  };
}

function toAccessToken(result: AuthenticationResult | null): AccessToken | null {
  if (!result) return null;
  return {
    token: result.accessToken,
    expiresOnTimestamp: result.expiresOn?.getTime() ?? Date.now() + 3_600_000,
  };
}

/** Turns MSAL's errors into an {@link AuthError} that says what to fix (and holds no secret). */
export function authFailure(error: unknown, what: string, network?: UndiciNetworkClient): AuthError {
  const inner = error as { errorCode?: string; errorMessage?: string; message?: string };
  // MSAL says only that it could not read the authority's metadata, or that the network failed (for
  // an authority it knows, it reads none): say why, as the network saw it.
  const text =
    (inner.errorCode === 'endpoints_resolution_error' || inner.errorCode === 'network_error') &&
    network?.lastFailure
      ? network.lastFailure
      : inner.errorMessage || inner.message || String(error);
  const aadsts = /AADSTS(\d+)/.exec(text)?.[1];
  const firstLine = text.split(/ Trace ID:|\r?\n/)[0]!.trim();
  const hint = aadsts ? hints[aadsts] : undefined;
  const code = inner.errorCode ? ` (${inner.errorCode})` : '';
  return new AuthError(
    `${what} failed${code}: ${firstLine}${hint ? ` — ${hint}` : ''}`,
    {},
    { cause: error },
  );
}

abstract class ConfidentialCredential implements TokenCredential {
  protected abstract readonly app: ConfidentialClientApplication;
  protected abstract readonly description: string;
  protected abstract readonly network: UndiciNetworkClient;

  async getToken(scopes: string | string[]): Promise<AccessToken | null> {
    this.network.lastFailure = undefined;
    try {
      return toAccessToken(await this.app.acquireTokenByClientCredential({ scopes: [scopes].flat() }));
    } catch (error) {
      throw authFailure(error, `signing in as the app with ${this.description}`, this.network);
    }
  }

  [inspect.custom](): string {
    return `${this.constructor.name} { ${this.description} }`;
  }

  toJSON(): Record<string, string> {
    return { type: this.constructor.name };
  }
}

/** Signs in as an app with a client secret (MSAL; tokens cached and refreshed by it). */
export class ClientSecretCredential extends ConfidentialCredential {
  protected readonly app: ConfidentialClientApplication;
  protected readonly description = 'a client secret';
  protected readonly network: UndiciNetworkClient;

  constructor(options: MsalCredentialOptions & { clientSecret: string }) {
    super();
    if (!options.clientSecret)
      throw new ConfigError(
        'the client secret is empty: give AZURE_CLIENT_SECRET, --client-secret-file or --client-secret',
      );
    this.network = new UndiciNetworkClient(options.dispatcher);
    this.app = new ConfidentialClientApplication(
      msalConfig(options, { clientSecret: options.clientSecret }, this.network),
    );
  }
}

/** Signs in as an app with a certificate: a client assertion signed by its private key. */
export class ClientCertificateCredential extends ConfidentialCredential {
  protected readonly app: ConfidentialClientApplication;
  protected readonly description = 'a certificate';
  protected readonly network: UndiciNetworkClient;

  /** `pem` holds the certificate and its unencrypted private key (as AZURE_CLIENT_CERTIFICATE_PATH points at). */
  constructor(options: MsalCredentialOptions & { pem: string }) {
    super();
    const certificateText = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(
      options.pem,
    )?.[0];
    const keyText = /-----BEGIN (?:RSA )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA )?PRIVATE KEY-----/.exec(
      options.pem,
    )?.[0];
    if (!certificateText || !keyText) {
      throw new ConfigError(
        'the certificate file must hold a PEM certificate and its unencrypted private key (BEGIN CERTIFICATE, BEGIN PRIVATE KEY)',
      );
    }
    let thumbprintSha256: string;
    let privateKey: string;
    try {
      thumbprintSha256 = new X509Certificate(certificateText).fingerprint256.replaceAll(':', '');
      privateKey = createPrivateKey(keyText).export({ format: 'pem', type: 'pkcs8' }).toString();
    } catch (error) {
      throw new ConfigError(`the certificate file could not be read: ${(error as Error).message}`, {
        cause: error,
      });
    }
    this.network = new UndiciNetworkClient(options.dispatcher);
    this.app = new ConfidentialClientApplication(
      msalConfig(
        options,
        { clientCertificate: { thumbprintSha256, privateKey, x5c: certificateText } },
        this.network,
      ),
    );
  }
}

/** What a device-code sign-in shows the operator: where to go and which code to enter. */
export interface DeviceCodePrompt {
  userCode: string;
  verificationUri: string;
  message: string;
  expiresInSeconds: number;
}

/**
 * Signs an operator in as themselves with a device code (delegated; what a terminal can do), then
 * refreshes silently with MSAL's cached refresh token.
 */
export class DeviceCodeCredential implements TokenCredential {
  readonly #app: PublicClientApplication;
  readonly #network: UndiciNetworkClient;
  readonly #onPrompt: (prompt: DeviceCodePrompt) => void;
  #account: AccountInfo | undefined;

  constructor(options: MsalCredentialOptions & { onPrompt: (prompt: DeviceCodePrompt) => void }) {
    this.#network = new UndiciNetworkClient(options.dispatcher);
    this.#app = new PublicClientApplication(msalConfig(options, {}, this.#network));
    this.#onPrompt = options.onPrompt;
  }

  /** The signed-in account's user name, once signed in. */
  get username(): string | undefined {
    return this.#account?.username;
  }

  async getToken(scopes: string | string[]): Promise<AccessToken | null> {
    const list = [scopes].flat();
    this.#network.lastFailure = undefined;
    try {
      if (this.#account) {
        try {
          return toAccessToken(await this.#app.acquireTokenSilent({ account: this.#account, scopes: list }));
        } catch {
          // The refresh token is gone or revoked: sign in again below.
        }
      }
      const result = await this.#app.acquireTokenByDeviceCode({
        scopes: list,
        deviceCodeCallback: (response) =>
          this.#onPrompt({
            userCode: response.userCode,
            verificationUri: response.verificationUri,
            message: response.message,
            expiresInSeconds: response.expiresIn,
          }),
      });
      this.#account = result?.account ?? undefined;
      return toAccessToken(result);
    } catch (error) {
      throw authFailure(error, 'signing in with a device code', this.#network);
    }
  }

  [inspect.custom](): string {
    return `DeviceCodeCredential { ${this.#account ? `signed in as ${this.#account.username}` : 'not signed in'} }`;
  }
}
