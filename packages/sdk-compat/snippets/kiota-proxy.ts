import {
  AllowedHostsValidator,
  BaseBearerTokenAuthenticationProvider,
  HttpMethod,
  RequestInformation,
} from '@microsoft/kiota-abstractions';
import { GraphRequestAdapter } from '@microsoft/msgraph-sdk';
import {
  type StringKeyStringValuePair,
  createStringKeyStringValuePairFromDiscriminatorValue as stringKeyStringValuePair,
} from '@microsoft/msgraph-sdk/models/index.js';
import { createODataErrorFromDiscriminatorValue } from '@microsoft/msgraph-sdk/models/oDataErrors/index.js';

/** Kiota's Graph request adapter for the proxy. Node trusts the proxy's CA through NODE_EXTRA_CA_CERTS. */
export function proxyAdapter(proxyUrl: string, apiKey: string): GraphRequestAdapter {
  const proxyHost = new AllowedHostsValidator(new Set([new URL(proxyUrl).hostname]));
  const adapter = new GraphRequestAdapter(
    new BaseBearerTokenAuthenticationProvider({
      getAuthorizationToken: async (url) => (url && proxyHost.isUrlHostValid(url) ? apiKey : ''),
      getAllowedHostsValidator: () => proxyHost,
    }),
  );
  adapter.baseUrl = `${proxyUrl}/v1.0`; // unlike the Graph JS SDK's, Kiota's base URL names the version
  return adapter;
}

const errors = { XXX: createODataErrorFromDiscriminatorValue };

/** Provisions on demand; a request held for approval is followed until it has run or was refused. */
export async function provisionOnDemand(
  adapter: GraphRequestAdapter,
  path: string,
  body: unknown,
): Promise<StringKeyStringValuePair | undefined> {
  const post = new RequestInformation(HttpMethod.POST, `{+baseurl}${path}`);
  post.setStreamContent(new TextEncoder().encode(JSON.stringify(body)).buffer, 'application/json');
  let answer = await adapter.send<StringKeyStringValuePair>(post, stringKeyStringValuePair, errors);
  // Held: the 202's body is typed #ondemand.approval, without key or value. Its resultUrl answers as
  // Graph answered the run once it is decided, holding each call up to 60 s until then. A denial
  // throws an ODataError whose errorEscaped.message gives the approver's reason.
  while (answer?.odataType === '#ondemand.approval') {
    const follow = new RequestInformation(HttpMethod.GET);
    follow.URL = String(answer.additionalData?.resultUrl);
    follow.headers.tryAdd('Prefer', 'wait=60');
    answer = await adapter.send<StringKeyStringValuePair>(follow, stringKeyStringValuePair, errors);
  }
  return answer; // key holds the result, value the report, both JSON text
}
