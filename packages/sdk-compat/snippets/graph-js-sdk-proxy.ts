import { Client } from '@microsoft/microsoft-graph-client';

/** A Graph JS SDK client for the proxy. Node trusts the proxy's CA through NODE_EXTRA_CA_CERTS. */
export function proxyClient(proxyUrl: string, apiKey: string): Client {
  return Client.init({
    baseUrl: proxyUrl, // the origin, https://ondemand.example.com, without /v1.0
    customHosts: new Set([new URL(proxyUrl).hostname]), // the SDK sends tokens to Graph and these only
    authProvider: (done) => done(null, apiKey),
  });
}

/** Provisions on demand; a request held for approval is followed until it has run or was refused. */
export async function provisionOnDemand(client: Client, path: string, body: unknown) {
  let answer = await client.api(path).post(body);
  // Held: a 202 typed #ondemand.approval. Its resultUrl answers as Graph answered the run once it is
  // decided (a denial is a 403 GraphError), holding each call up to 60 s until then.
  while (answer['@odata.type'] === '#ondemand.approval')
    answer = await client.api(answer.resultUrl).header('Prefer', 'wait=60').get();
  return answer; // Graph's stringKeyStringValuePair: key holds the result, value the report
}
