/**
 * The real whatsapp-web.js client against the simulated page, for the simulator's own probe
 * specs: the Chrome flags it needs, a client on a phone's page, and bounded waits for its events.
 */
import { EventEmitter, once } from 'node:events';
import wwebjs from 'whatsapp-web.js';
import type { Client as WAClient } from 'whatsapp-web.js';
import type { Phone } from '../../src/sandbox/simulator/phone.js';

const { Client, LocalAuth } = wwebjs;

export const VERSION = '2.3000.1031980585';
const CHROME_ARGS = [
  '--no-sandbox',
  '--disable-dev-shm-usage',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  // Chromium >= 14x blocks https://web.whatsapp.com -> http://127.0.0.1 (Local Network Access)
  '--disable-features=LocalNetworkAccessChecks',
];

/** Modules the library looks up but tolerates as missing (guarded / try-catch). */
export const OPTIONAL_MODULES = [
  'WAWebCallCollection',
  'WAWebBackendJobsCommon',
  'WAWebE2EProtoUtils',
  'WAWebAddonReactionTableMode',
  'WAWebAddonPollVoteTableMode',
];

export function newClient(cacheDir: string, authDir: string, extra: Record<string, unknown> = {}): WAClient {
  return new Client({
    webVersion: VERSION,
    webVersionCache: { type: 'local', path: cacheDir },
    authStrategy: new LocalAuth({ clientId: 'default', dataPath: authDir }),
    puppeteer: { executablePath: '/usr/bin/chromium', headless: true, args: CHROME_ARGS },
    ...extra,
  });
}

/** Resolves with the first emission of `event` (bounded). */
export function next<T = unknown>(emitter: EventEmitter, event: string, ms = 60_000): Promise<T> {
  const ac = new AbortController();
  const t = setTimeout(() => ac.abort(new Error(`timed out after ${ms} ms waiting for '${event}'`)), ms);
  return once(emitter, event, { signal: ac.signal }).then(
    ([v]) => (clearTimeout(t), v as T),
    (e) => {
      clearTimeout(t);
      throw e;
    },
  );
}

/** initialize() + scan the first QR; resolves when 'ready' fired. */
export async function linkedClient(phone: Phone, cacheDir: string, authDir: string): Promise<WAClient> {
  const client = newClient(cacheDir, authDir);
  try {
    const qr = next<string>(client, 'qr');
    const ready = next(client, 'ready');
    await client.initialize();
    await phone.scanQr(await qr);
    await ready;
    return client;
  } catch (e) {
    await client.destroy();
    throw e;
  }
}

export interface Recorder<A extends unknown[]> {
  /** Every emission so far, as its argument lists. */
  readonly seen: A[];
  /** Resolves with all emissions once there are `count`; throws on timeout saying how many it saw. */
  until(count: number, ms?: number): Promise<A[]>;
}

/** Records every emission of `event` from now on, so a test can assert the exact sequence. */
export function record<A extends unknown[]>(emitter: EventEmitter, event: string): Recorder<A> {
  const seen: A[] = [];
  const changes = new EventEmitter();
  emitter.on(event, (...args: unknown[]) => {
    seen.push(args as A);
    changes.emit('seen');
  });
  return {
    seen,
    until(count, ms = 30_000) {
      if (seen.length >= count) return Promise.resolve([...seen]);
      return new Promise((resolve, reject) => {
        const check = () => {
          if (seen.length < count) return;
          clearTimeout(timer);
          changes.off('seen', check);
          resolve([...seen]);
        };
        const timer = setTimeout(() => {
          changes.off('seen', check);
          reject(new Error(`timed out after ${ms} ms waiting for ${count} '${event}' events; saw ${seen.length}`));
        }, ms);
        changes.on('seen', check);
      });
    },
  };
}
