import type { Context } from 'hono';
import type { ProxyConfig } from '../config/config.js';

const HOST = /^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * Where callers reach the proxy, for every URL it writes (paging links, `@odata.context`,
 * `Location`, approval links): `publicUrl` when configured; otherwise, for a request through one of
 * the `trustedProxies`, what its `Forwarded` (or `X-Forwarded-Proto`/`-Host`) header says; otherwise
 * the address the proxy listens on. The Host header is never reflected: anyone can send one.
 */
export class PublicUrls {
  constructor(
    private readonly config: Pick<ProxyConfig, 'publicUrl' | 'trustedProxies'>,
    /** The address it listens on, as a URL origin (known once it listens). */
    public listening: string,
  ) {}

  /** The base for links written in answer to this request. */
  of(c: Context): string {
    if (this.config.publicUrl) return this.config.publicUrl;
    const forwarded = this.#forwarded(c);
    return forwarded ?? this.listening;
  }

  /** The base for links written outside any request (webhooks). */
  get base(): string {
    return this.config.publicUrl ?? this.listening;
  }

  #forwarded(c: Context): string | undefined {
    const remote = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming
      ?.socket?.remoteAddress;
    if (!remote || !this.config.trustedProxies.includes(remote.replace(/^::ffff:/, ''))) return undefined;
    // Read from the right: each hop appends its element, and the client writes whatever it likes on
    // the left. The element to believe is the one the outermost trusted hop appended: the rightmost
    // whose `for` (who that hop was talking to) is not itself a trusted proxy.
    const elements = (c.req.header('forwarded') ?? '').split(',').filter((each) => each.trim() !== '');
    const field = (element: string, name: string) =>
      new RegExp(`(?:^|;)\\s*${name}="?([^";]+)"?`, 'i').exec(element.trim())?.[1]?.trim();
    const trusted = (address: string | undefined) =>
      !!address &&
      this.config.trustedProxies.includes(address.replace(/^\[|\]$/g, '').replace(/^::ffff:/, ''));
    let chosen = elements.at(-1) ?? '';
    for (let index = elements.length - 1; index >= 0; index--) {
      chosen = elements[index]!;
      if (!trusted(field(chosen, 'for'))) break;
    }
    const last = (header: string) => c.req.header(header)?.split(',').at(-1);
    const proto = (field(chosen, 'proto') ?? last('x-forwarded-proto'))?.trim().toLowerCase();
    const host = (field(chosen, 'host') ?? last('x-forwarded-host'))?.trim();
    if ((proto !== 'https' && proto !== 'http') || !host || !HOST.test(host)) return undefined;
    return `${proto}://${host}`;
  }
}

/** A URL origin for a host and port (IPv6 in brackets). */
export function originOf(scheme: 'http' | 'https', host: string, port: number): string {
  return `${scheme}://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
}
