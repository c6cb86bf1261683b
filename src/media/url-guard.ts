import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { AppError } from '../common/app-error.js';

/** A host name's addresses, as the system resolver gives them. Injectable: tests resolve without DNS. */
export type Resolver = (hostname: string) => Promise<{ address: string; family: number }[]>;

export const systemResolver: Resolver = (hostname) => lookup(hostname, { all: true, verbatim: true });

/** A URL that passed the guard, with the one address it was checked at: the connection goes there and nowhere else. */
export interface CheckedTarget {
  url: URL;
  address: string;
  family: 4 | 6;
}

/** ipaddr.js names every special range; only what it calls plain `unicast` is the public internet. */
const RANGE_NAMES: Record<string, string> = {
  unspecified: 'an unspecified address',
  broadcast: 'a broadcast address',
  multicast: 'a multicast address',
  linkLocal: 'a link-local address (cloud metadata lives there)',
  loopback: 'a loopback address',
  carrierGradeNat: 'a carrier-grade NAT address (100.64.0.0/10)',
  private: 'a private address',
  reserved: 'a reserved address',
  uniqueLocal: 'a unique-local (private) IPv6 address',
  ipv4Mapped: 'an IPv4-mapped IPv6 address',
  rfc6145: 'an IPv4-translated IPv6 address',
  rfc6052: 'a NAT64 address',
  '6to4': 'a 6to4 address',
  teredo: 'a Teredo address',
};

/** Ranges ipaddr.js 1.9 counts as unicast that still reach inside: IPv4-compatible IPv6 and benchmarking nets. */
const EXTRA_REFUSED: [string, string][] = [
  ['::/96', 'an IPv4-compatible IPv6 address'],
  ['198.18.0.0/15', 'a benchmarking address'],
  // ipaddr.js 1.9 calls these unicast: local-use NAT64 reaches internal IPv4, site-local is private, 100::/64 discards.
  ['64:ff9b:1::/48', 'a local-use NAT64 address'],
  ['fec0::/10', 'a site-local address'],
  ['100::/64', 'a discard-only address'],
];

/** Why an address may not be fetched from, or null for a public unicast address. */
export function addressProblem(address: string): string | null {
  // ipaddr.js 1.9 cannot read every IPv6 spelling (`::127.0.0.1`); the URL parser writes them canonically.
  const canonical = isIP(address) === 6 ? new URL(`http://[${address}]/`).hostname.slice(1, -1) : address;
  if (!ipaddr.isValid(canonical)) return 'not an IP address';
  const parsed = ipaddr.parse(canonical);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    // The IPv4 inside is where the packets go: ::ffff:127.0.0.1 is loopback.
    const inner = addressProblem((parsed as ipaddr.IPv6).toIPv4Address().toString());
    return `an IPv4-mapped IPv6 address${inner ? ` of ${inner}` : ''}`;
  }
  const range = parsed.range();
  if (range !== 'unicast') return RANGE_NAMES[range] ?? `a special-purpose address (${range})`;
  for (const [cidr, name] of EXTRA_REFUSED) {
    const [net, bits] = ipaddr.parseCIDR(cidr);
    if (net.kind() === parsed.kind() && (parsed as ipaddr.IPv4).match(net as ipaddr.IPv4, bits)) return name;
  }
  return null;
}

const refused = (url: URL, reason: string): AppError =>
  new AppError('url_not_allowed', `The media URL is not allowed: ${url.protocol}//${url.host}${url.pathname} ${reason}.`);

/**
 * The SSRF guard: http(s) only, no credentials, and every address the host resolves to must be public
 * (unless private addresses are allowed); the caller connects to the address returned, never resolving again.
 */
export class UrlGuard {
  constructor(
    private readonly resolve: Resolver,
    private readonly allowPrivate: boolean,
  ) {}

  /**
   * The checks that need no DNS (scheme, credentials, localhost, an address written in the URL): throws
   * what check() would, and returns the host and whether it is an address already.
   */
  precheck(url: URL): { host: string; isAddress: boolean } {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw refused(url, 'is not http or https');
    if (url.username || url.password) throw refused(url, 'carries a user name or password');
    const host = url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '');
    if (!this.allowPrivate && (host === 'localhost' || host.endsWith('.localhost'))) throw refused(url, 'names this machine (localhost)');
    if (!isIP(host)) return { host, isAddress: false };
    this.allowed(url, [{ address: host }]);
    return { host, isAddress: true };
  }

  async check(url: URL): Promise<CheckedTarget> {
    const { host, isAddress } = this.precheck(url);
    // An address written in the URL was checked by precheck(); resolved ones are checked here.
    const addresses = isAddress ? [{ address: host, family: isIP(host) }] : await this.lookup(url, host);
    if (addresses.length === 0) throw refused(url, 'does not resolve to any address');
    if (!isAddress) this.allowed(url, addresses);
    const first = addresses[0];
    return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
  }

  private allowed(url: URL, addresses: readonly { address: string }[]): void {
    if (this.allowPrivate) return;
    for (const { address } of addresses) {
      const problem = addressProblem(address);
      if (problem) throw refused(url, `resolves to ${address}, ${problem}`);
    }
  }

  private async lookup(url: URL, host: string): Promise<{ address: string; family: number }[]> {
    try {
      return await this.resolve(host);
    } catch (error) {
      const code = (error as { code?: string }).code;
      throw new AppError('invalid_input', `The media URL's host ${host} could not be resolved${code ? ` (${code})` : ''}.`);
    }
  }
}
