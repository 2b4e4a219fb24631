import { ClientSecretCredential } from '@azure/identity';
import { AzureIdentityAuthenticationProvider } from '@microsoft/kiota-authentication-azure';
import { Client } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js';
import { GraphRequestAdapter } from '@microsoft/msgraph-sdk';
import { createGraphClient, type GraphClient } from '@ondemand/transport';

/** What ondemand-sim's ready line gives. Node trusts its caFile through NODE_EXTRA_CA_CERTS. */
export interface Simulator {
  url: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
}

const scopes = ['https://graph.microsoft.com/.default'];

/** @azure/identity signing in to the simulator, which is its own authority too. */
export function simulatorCredential(sim: Simulator, secret = sim.clientSecret): ClientSecretCredential {
  return new ClientSecretCredential(sim.tenantId, sim.clientId, secret, {
    authorityHost: sim.url,
    disableInstanceDiscovery: true, // instance discovery asks login.microsoftonline.com, which is not there
  });
}

/** ondemand's own client, on that credential. */
export function ondemandClient(sim: Simulator, secret?: string): GraphClient {
  return createGraphClient({ baseUrl: sim.url, credential: simulatorCredential(sim, secret) });
}

/** The Graph JS SDK: its base URL is the origin (the SDK adds /v1.0), and the host a custom one. */
export function graphJsClient(sim: Simulator): Client {
  return Client.initWithMiddleware({
    baseUrl: sim.url,
    customHosts: new Set([new URL(sim.url).hostname]),
    authProvider: new TokenCredentialAuthenticationProvider(simulatorCredential(sim), { scopes }),
  });
}

/** Kiota's request adapter: its base URL names the version, and the host is allowed its token. */
export function kiotaAdapter(sim: Simulator): GraphRequestAdapter {
  const hosts = new Set([new URL(sim.url).hostname]);
  const adapter = new GraphRequestAdapter(
    new AzureIdentityAuthenticationProvider(simulatorCredential(sim), scopes, undefined, hosts),
  );
  adapter.baseUrl = `${sim.url}/v1.0`;
  return adapter;
}
