import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/* Webhook receivers on loopback for the tests: they record every request. */

export interface Hit {
  headers: IncomingMessage['headers'];
  body: string;
}

/**
 * A receiver on loopback that answers with `respond` and records every request; on `port` when
 * given (a receiver brought up where a dead one was), waits bounded by `reachMs`.
 */
export async function receiver(respond: (hit: Hit, n: number, res: ServerResponse) => void, { port = 0, reachMs = 15_000 } = {}) {
  const hits: Hit[] = [];
  const waiters = new Set<() => void>();
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const hit = { headers: req.headers, body };
      hits.push(hit);
      respond(hit, hits.length, res);
      for (const check of [...waiters]) check();
    });
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  const until = (what: string, done: () => boolean): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (!done()) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`waited ${reachMs} ms for ${what}; got ${hits.length} requests`));
      }, reachMs);
      waiters.add(check);
      check();
    });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return {
    url,
    hits,
    /** Resolves once `count` requests arrived; throws after `reachMs` saying how many did. */
    reach(count: number): Promise<void> {
      return until(`${count} requests`, () => hits.length >= count);
    },
    /** Resolves with the first request that `match` accepts; throws after `reachMs` naming `what`. */
    async find(what: string, match: (hit: Hit) => boolean): Promise<Hit> {
      await until(what, () => hits.some(match));
      return hits.find(match)!;
    },
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A loopback port nobody listens on (fetch refuses some well-known ones like 1 as "bad port"). */
export async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
