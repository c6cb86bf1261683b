import { Readable } from 'node:stream';
import { AppError } from '../common/app-error.js';
import { type Connector, UrlFetcher, type UrlResponse } from './url-fetch.js';
import { addressProblem, type CheckedTarget, type Resolver, UrlGuard } from './url-guard.js';

/*
 * No test here opens a connection: the resolver is a table and the connector a recorder. A target
 * the guard should have refused reaching the connector fails the test, so a broken guard shows as a
 * failure here, never as a request to the network.
 */

const DNS: Record<string, string[]> = {
  'files.example': ['93.184.216.34'],
  'both.example': ['93.184.216.34', '10.0.0.7'],
  'metadata.example': ['169.254.169.254'],
  'ipv6-private.example': ['fd00::1'],
  'redirector.example': ['93.184.216.35'],
};
const stubResolver: Resolver = async (host) => {
  const addresses = DNS[host];
  if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

const ALLOWED_ADDRESSES = new Set(['93.184.216.34', '93.184.216.35']);

/** Answers from `routes` (by URL) and records every target; a refused address reaching it is a test failure. */
function recordingConnector(routes: Record<string, Partial<UrlResponse> & { data?: Buffer }>) {
  const calls: CheckedTarget[] = [];
  const connect: Connector = async (target) => {
    calls.push(target);
    if (!ALLOWED_ADDRESSES.has(target.address)) throw new Error(`the guard let ${target.url.href} (${target.address}) through`);
    const route = routes[target.url.href] ?? { status: 404 };
    return { status: route.status ?? 200, headers: route.headers ?? {}, body: route.body ?? Readable.from(route.data ? [route.data] : []) };
  };
  return { calls, connect };
}

const fetcher = (connect: Connector, maxBytes = 1_000) => new UrlFetcher(new UrlGuard(stubResolver, false), connect, { maxBytes });

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

describe('addressProblem', () => {
  it.each([
    ['10.0.0.1', 'a private address'],
    ['172.16.5.4', 'a private address'],
    ['192.168.1.1', 'a private address'],
    ['127.0.0.1', 'a loopback address'],
    ['169.254.169.254', 'a link-local address (cloud metadata lives there)'],
    ['100.64.0.1', 'a carrier-grade NAT address (100.64.0.0/10)'],
    ['0.0.0.0', 'an unspecified address'],
    ['224.0.0.1', 'a multicast address'],
    ['::1', 'a loopback address'],
    ['::', 'an unspecified address'],
    ['fd00::1', 'a unique-local (private) IPv6 address'],
    ['fd00:ec2::254', 'a unique-local (private) IPv6 address'],
    ['fe80::1', 'a link-local address (cloud metadata lives there)'],
    ['ff02::1', 'a multicast address'],
    ['::ffff:127.0.0.1', 'an IPv4-mapped IPv6 address of a loopback address'],
    ['64:ff9b:1::a00:1', 'a local-use NAT64 address'],
    ['fec0::1', 'a site-local address'],
    ['100::1', 'a discard-only address'],
    ['::ffff:8.8.8.8', 'an IPv4-mapped IPv6 address'],
    ['::127.0.0.1', 'an IPv4-compatible IPv6 address'],
    ['64:ff9b::a00:1', 'a NAT64 address'],
  ])('refuses %s: %s', (address, problem) => {
    expect(addressProblem(address)).toBe(problem);
  });

  it.each(['93.184.216.34', '8.8.8.8', '2606:4700::1111'])('allows the public address %s', (address) => {
    expect(addressProblem(address)).toBeNull();
  });
});

describe('UrlFetcher with the guard (default: no private addresses)', () => {
  it.each([
    ['http://10.0.0.1/a.png', 'resolves to 10.0.0.1, a private address'],
    ['http://169.254.169.254/latest/meta-data/', 'resolves to 169.254.169.254, a link-local address'],
    ['http://100.64.0.1/a.png', 'resolves to 100.64.0.1, a carrier-grade NAT address'],
    ['http://[fd00::1]/a.png', 'resolves to fd00::1, a unique-local (private) IPv6 address'],
    ['http://[fd00:ec2::254]/latest', 'resolves to fd00:ec2::254'],
    ['http://[::ffff:127.0.0.1]:8080/a.png', 'resolves to ::ffff:7f00:1, an IPv4-mapped IPv6 address of a loopback address'],
    ['http://[::1]/a.png', 'resolves to ::1, a loopback address'],
    ['http://127.1/a.png', 'resolves to 127.0.0.1, a loopback address'],
    ['http://2130706433/a.png', 'resolves to 127.0.0.1, a loopback address'],
    ['http://localhost:8080/a.png', 'names this machine (localhost)'],
    ['http://LOCALHOST./a.png', 'names this machine (localhost)'],
    ['http://api.localhost/a.png', 'names this machine (localhost)'],
    ['http://metadata.example/latest', 'resolves to 169.254.169.254'],
    ['http://ipv6-private.example/a.png', 'resolves to fd00::1'],
    ['http://both.example/a.png', 'resolves to 10.0.0.7, a private address'],
    ['ftp://files.example/a.png', 'is not http or https'],
    ['file:///etc/passwd', 'is not http or https'],
    ['http://user:secret@files.example/a.png', 'carries a user name or password'],
  ])('refuses %s before connecting (%s)', async (url, reason) => {
    const { calls, connect } = recordingConnector({});
    const error = await refusal(fetcher(connect).fetch(url));
    expect(error.code).toBe('url_not_allowed');
    expect(error.message).toContain(reason);
    expect(calls).toEqual([]);
  });

  it('fetches from a public address, connecting to the address it checked', async () => {
    const data = Buffer.from('%PDF-1.4 tiny');
    const { calls, connect } = recordingConnector({
      'https://files.example/docs/invoice%20march.pdf': { data, headers: { 'content-type': 'application/pdf' } },
    });
    await expect(fetcher(connect).fetch('https://files.example/docs/invoice%20march.pdf')).resolves.toEqual({
      data,
      mimetype: 'application/pdf',
      filename: 'invoice march.pdf',
    });
    expect(calls.map(({ address, family }) => ({ address, family }))).toEqual([{ address: '93.184.216.34', family: 4 }]);
  });

  it('refuses a redirect from an allowed host to a refused one, without connecting to it', async () => {
    const { calls, connect } = recordingConnector({
      'http://redirector.example/a.png': { status: 302, headers: { location: 'http://169.254.169.254/latest/meta-data/' } },
    });
    const error = await refusal(fetcher(connect).fetch('http://redirector.example/a.png'));
    expect(error).toMatchObject({ code: 'url_not_allowed' });
    expect(error.message).toContain('169.254.169.254, a link-local address');
    expect(calls.map((call) => call.url.href)).toEqual(['http://redirector.example/a.png']);
  });

  it('follows up to 3 redirects, and refuses a 4th', async () => {
    const hop = (n: number) => `http://redirector.example/${n}`;
    const routes = Object.fromEntries([0, 1, 2, 3].map((n) => [hop(n), { status: 301, headers: { location: `/${n + 1}` } }]));
    const three = recordingConnector({ ...routes, [hop(3)]: { data: Buffer.from('ok') } });
    await expect(fetcher(three.connect).fetch(hop(0))).resolves.toMatchObject({ data: Buffer.from('ok') });
    expect(three.calls).toHaveLength(4);
    const four = recordingConnector({ ...routes, [hop(4)]: { data: Buffer.from('ok') } });
    const error = await refusal(fetcher(four.connect).fetch(hop(0)));
    expect(error).toMatchObject({ code: 'url_not_allowed', message: 'The media URL is not allowed: it redirects more than 3 times.' });
    expect(four.calls).toHaveLength(4);
  });

  it('refuses a declared Content-Length over the cap without reading the body', async () => {
    let pulled = 0;
    const body = new Readable({ read: () => void (pulled += 1) });
    const { connect } = recordingConnector({ 'http://files.example/big': { body, headers: { 'content-length': '1001' } } });
    const error = await refusal(fetcher(connect).fetch('http://files.example/big'));
    expect(error).toMatchObject({
      code: 'payload_too_large',
      message: 'The media at the URL is larger than 1000 bytes (WHATSAPP_MEDIA_MAX_BYTES).',
    });
    expect(pulled).toBe(0);
    expect(body.destroyed).toBe(true);
  });

  it('stops reading an endless body once past the cap', async () => {
    let served = 0;
    const body = new Readable({
      read() {
        served += 100;
        this.push(Buffer.alloc(100));
      },
    });
    const { connect } = recordingConnector({ 'http://files.example/endless': { body } });
    const error = await refusal(fetcher(connect).fetch('http://files.example/endless'));
    expect(error.code).toBe('payload_too_large');
    expect(body.destroyed).toBe(true);
    // The stream's read-ahead is one 16 KiB buffer at most, whatever the body's length.
    expect(served).toBeLessThan(1_000 + 17_000);
  });

  it('names a failed answer and an unresolvable host as bad input', async () => {
    const { connect } = recordingConnector({});
    await expect(fetcher(connect).fetch('http://files.example/missing.png')).rejects.toMatchObject({
      code: 'invalid_input',
      message: 'The media URL http://files.example/missing.png could not be fetched: HTTP 404.',
    });
    await expect(fetcher(connect).fetch('http://nowhere.example/a.png')).rejects.toMatchObject({
      code: 'invalid_input',
      message: "The media URL's host nowhere.example could not be resolved (ENOTFOUND).",
    });
  });

  it('allows private addresses only when told to', async () => {
    const { calls, connect } = recordingConnector({});
    const permissive = new UrlFetcher(new UrlGuard(stubResolver, true), connect, { maxBytes: 10 });
    // The recorder fails any address outside the public test set: reaching it proves the guard let it through.
    await expect(permissive.fetch('http://10.0.0.1/a.png')).rejects.toMatchObject({ code: 'invalid_input' });
    expect(calls.map((call) => call.address)).toEqual(['10.0.0.1']);
  });
});

describe('UrlGuard.precheck (before any traffic)', () => {
  const resolved: string[] = [];
  const guard = new UrlGuard(async (host) => {
    resolved.push(host);
    return stubResolver(host);
  }, false);
  const message = (url: string): string | null => {
    try {
      guard.precheck(new URL(url));
      return null;
    } catch (error) {
      if (error instanceof AppError) return `${error.code}: ${error.message}`;
      throw error;
    }
  };

  it('refuses what needs no DNS to refuse, and resolves nothing', () => {
    expect(message('ftp://files.example/a.png')).toBe(
      'url_not_allowed: The media URL is not allowed: ftp://files.example/a.png is not http or https.',
    );
    expect(message('http://u:p@files.example/a.png')).toBe(
      'url_not_allowed: The media URL is not allowed: http://files.example/a.png carries a user name or password.',
    );
    expect(message('http://localhost:8080/a.png')).toBe(
      'url_not_allowed: The media URL is not allowed: http://localhost:8080/a.png names this machine (localhost).',
    );
    expect(message('http://127.0.0.1./a.png')).toBe(
      'url_not_allowed: The media URL is not allowed: http://127.0.0.1/a.png resolves to 127.0.0.1, a loopback address.',
    );
    expect(message('http://[fd00::1]/a.png')).toMatch(/^url_not_allowed: .* resolves to fd00::1, /);
    expect(resolved).toEqual([]);
  });

  it('leaves a host name and a public address to check(), which resolves the name', async () => {
    expect(guard.precheck(new URL('https://files.example/a.png'))).toEqual({ host: 'files.example', isAddress: false });
    expect(guard.precheck(new URL('http://93.184.216.34/a.png'))).toEqual({ host: '93.184.216.34', isAddress: true });
    expect(resolved).toEqual([]);
    await expect(guard.check(new URL('http://93.184.216.34./a.png'))).resolves.toMatchObject({ address: '93.184.216.34', family: 4 });
    await expect(guard.check(new URL('https://both.example/a.png'))).rejects.toThrow('resolves to 10.0.0.7');
    expect(resolved).toEqual(['both.example']);
  });
});
