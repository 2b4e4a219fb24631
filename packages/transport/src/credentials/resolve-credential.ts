import { readFileSync } from 'node:fs';
import type { Dispatcher } from 'undici';
import type { ResolvedEndpoints } from '../clouds.js';
import { ConfigError } from '../errors.js';
import {
  ClientCertificateCredential,
  ClientSecretCredential,
  DeviceCodeCredential,
  type DeviceCodePrompt,
} from './msal-credentials.js';
import type { TokenCredential } from './token-credential.js';

/** A fixed bearer token: an ondemand proxy API key. */
export class StaticTokenCredential implements TokenCredential {
  readonly #token: string;
  constructor(token: string) {
    this.#token = token;
  }
  async getToken() {
    return { token: this.#token, expiresOnTimestamp: Number.MAX_SAFE_INTEGER };
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return 'StaticTokenCredential { (hidden) }';
  }
}

/** How a Graph client signs in: the part of its options {@link resolveCredential} reads. */
export interface CredentialOptions {
  /** Falls back to AZURE_TENANT_ID. */
  tenantId?: string;
  /** Falls back to AZURE_CLIENT_ID. */
  clientId?: string;
  /** An app secret (falls back to AZURE_CLIENT_SECRET). */
  clientSecret?: string;
  /** PEM text of a certificate and its private key (falls back to the file at AZURE_CLIENT_CERTIFICATE_PATH). */
  certificate?: string;
  /** Sign an operator in with a device code; called with what to show them. */
  deviceCode?: { onPrompt: (prompt: DeviceCodePrompt) => void };
  /** An API key for the ondemand proxy, sent as the bearer token. */
  apiKey?: string;
  /** Any credential with `getToken` (`@azure/identity`'s shape); wins over the options above. */
  credential?: TokenCredential;
  /** The environment to read AZURE_* from (default `process.env`). */
  env?: Record<string, string | undefined>;
}

/**
 * Picks the credential: an explicit one, an API key, a secret, a certificate, a device code, then
 * AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH from the environment.
 */
export function resolveCredential(
  options: CredentialOptions,
  endpoints: ResolvedEndpoints,
  dispatcher: Dispatcher,
): TokenCredential {
  if (options.credential) return options.credential;
  if (options.apiKey) return new StaticTokenCredential(options.apiKey);
  const env = options.env ?? process.env;
  const tenantId = options.tenantId ?? env.AZURE_TENANT_ID;
  const clientId = options.clientId ?? env.AZURE_CLIENT_ID;
  const missing = [
    !tenantId && 'a tenant id (--tenant or AZURE_TENANT_ID)',
    !clientId && 'a client id (--client-id or AZURE_CLIENT_ID)',
  ].filter(Boolean);
  if (missing.length > 0) throw new ConfigError(`to sign in, give ${missing.join(' and ')}`);
  const base = { tenantId: tenantId!, clientId: clientId!, loginUrl: endpoints.loginUrl, dispatcher };
  if (options.clientSecret)
    return new ClientSecretCredential({ ...base, clientSecret: options.clientSecret });
  if (options.certificate) return new ClientCertificateCredential({ ...base, pem: options.certificate });
  if (options.deviceCode) return new DeviceCodeCredential({ ...base, onPrompt: options.deviceCode.onPrompt });
  if (env.AZURE_CLIENT_SECRET)
    return new ClientSecretCredential({ ...base, clientSecret: env.AZURE_CLIENT_SECRET });
  if (env.AZURE_CLIENT_CERTIFICATE_PATH) {
    let pem: string;
    try {
      pem = readFileSync(env.AZURE_CLIENT_CERTIFICATE_PATH, 'utf8');
    } catch (error) {
      throw new ConfigError(
        `cannot read AZURE_CLIENT_CERTIFICATE_PATH (${env.AZURE_CLIENT_CERTIFICATE_PATH}): ${(error as NodeJS.ErrnoException).code}`,
        { cause: error },
      );
    }
    return new ClientCertificateCredential({ ...base, pem });
  }
  throw new ConfigError(
    'no credential: give a client secret (AZURE_CLIENT_SECRET, --client-secret-file or --client-secret), a certificate (--certificate, AZURE_CLIENT_CERTIFICATE_PATH), sign in with a device code, or pass a TokenCredential',
  );
}
