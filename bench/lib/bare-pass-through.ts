/**
 * A bare pass-through: forwards the body to one upstream with undici (the client the proxy's
 * transport uses) and sends the answer back, with no checks, no audit and no logging. The proxy
 * benchmark measures it in the same run to show what any extra process in the path costs on this
 * machine, apart from what the proxy itself does.
 *
 * Run: `node --import tsx bench/lib/bare-pass-through.ts` with BARE_UPSTREAM (origin), BARE_CA_FILE
 * and BARE_TOKEN (the bearer token, in the environment so it never shows in a process list).
 * Prints `{"url": …}` when listening.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';

const upstream = process.env.BARE_UPSTREAM!;
const dispatcher = new Agent({ connect: { ca: readFileSync(process.env.BARE_CA_FILE!, 'utf8') } });
const headers = { authorization: `Bearer ${process.env.BARE_TOKEN}`, 'content-type': 'application/json' };

const server = createServer(async (incoming, outgoing) => {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  try {
    const answer = await request(`${upstream}${incoming.url}`, {
      method: 'POST',
      headers,
      body: Buffer.concat(chunks),
      dispatcher,
    });
    const body = await answer.body.arrayBuffer();
    outgoing.writeHead(answer.statusCode, { 'content-type': 'application/json' });
    outgoing.end(Buffer.from(body));
  } catch (error) {
    outgoing.writeHead(502, { 'content-type': 'text/plain' });
    outgoing.end((error as Error).message);
  }
});
server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
