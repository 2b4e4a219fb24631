import type { ProxyConfig } from '../config/config.js';
import { readNamedFile } from '../config/startup-inputs.js';
import { OidcSignIn } from './oidc-sign-in.js';

/** The console's sign-in from its config: the secret from the environment, never the file. */
export async function consoleSignInFor(
  config: NonNullable<ProxyConfig['console']>,
  env: Record<string, string | undefined>,
): Promise<OidcSignIn> {
  const { oidc } = config;
  const clientSecret = env[oidc.clientSecretEnv];
  if (!clientSecret)
    throw new Error(
      `the console needs its app registration's client secret in the environment variable ${oidc.clientSecretEnv} (console.oidc.clientSecretEnv)`,
    );
  return new OidcSignIn({
    authority: oidc.authority,
    clientId: oidc.clientId,
    clientSecret,
    ca: oidc.caFile ? await readNamedFile(oidc.caFile, 'console.oidc.caFile') : undefined,
    rolesClaim: oidc.rolesClaim,
    principalClaim: oidc.principalClaim,
    roleMap: oidc.roleMap,
  });
}
