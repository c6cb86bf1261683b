import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { Readable } from 'node:stream';
import { AppError } from '../common/app-error.js';
import { describeError } from '../common/describe-error.js';
import { readCapped, tooLarge } from './media-limits.js';
import type { CheckedTarget, UrlGuard } from './url-guard.js';

export interface UrlResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Readable;
}

/** Opens one request to a checked target. Injectable: tests answer without any network. */
export type Connector = (target: CheckedTarget, options: { signal: AbortSignal; connectTimeoutMs: number }) => Promise<UrlResponse>;

/**
 * Connects to the checked address only: the `lookup` handed to node:http answers it without asking DNS
 * again (a second answer could point elsewhere: DNS rebinding), while the Host header and TLS name stay the URL's.
 */
export const httpConnector: Connector = (target, { signal, connectTimeoutMs }) =>
  new Promise((resolve, reject) => {
    const lookup: LookupFunction = (_host, options, callback) => {
      if (options.all) callback(null, [{ address: target.address, family: target.family }]);
      else callback(null, target.address, target.family);
    };
    const request = (target.url.protocol === 'https:' ? httpsRequest : httpRequest)(target.url, {
      lookup,
      signal,
      headers: { 'accept-encoding': 'identity', 'user-agent': 'whatsapp-mcp-api media fetch' },
    });
    const connectTimer = setTimeout(() => request.destroy(new Error(`no connection within ${connectTimeoutMs} ms`)), connectTimeoutMs);
    request.once('socket', (socket) => {
      if (!socket.connecting) clearTimeout(connectTimer);
      else socket.once('connect', () => clearTimeout(connectTimer));
    });
    request.once('response', (response) => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: response }));
    request.once('error', (error) => {
      clearTimeout(connectTimer);
      reject(error);
    });
    request.once('close', () => clearTimeout(connectTimer));
    request.end();
  });

export interface FetchedFile {
  data: Buffer;
  /** What the server said it is (Content-Type): a hint the bytes are checked against. */
  mimetype?: string;
  filename?: string;
}

export interface UrlFetchOptions {
  maxBytes: number;
  maxRedirects?: number;
  connectTimeoutMs?: number;
  totalTimeoutMs?: number;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

const unavailable = (url: URL, why: string): AppError =>
  new AppError('invalid_input', `The media URL ${url.protocol}//${url.host}${url.pathname} could not be fetched: ${why}.`);

/** The name a URL's path ends with, if any. */
function lastSegment(url: URL): string | undefined {
  const raw = url.pathname.split('/').pop() ?? '';
  let name = raw;
  try {
    name = decodeURIComponent(raw);
  } catch {
    // A malformed escape: the name as written will do.
  }
  return name.trim() || undefined;
}

function dispositionName(header: string | undefined): string | undefined {
  const match = header && /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(header);
  if (!match) return undefined;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return match[1];
  }
}

/** Fetches a media URL through the guard: every hop checked before connecting, redirects bounded, size capped while reading. */
export class UrlFetcher {
  private readonly maxRedirects: number;
  private readonly connectTimeoutMs: number;
  private readonly totalTimeoutMs: number;

  constructor(
    private readonly guard: UrlGuard,
    private readonly connect: Connector,
    private readonly options: UrlFetchOptions,
  ) {
    this.maxRedirects = options.maxRedirects ?? 3;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    this.totalTimeoutMs = options.totalTimeoutMs ?? 60_000;
  }

  /** The guard's checks that need no DNS (nor any traffic): a URL refused here costs no WhatsApp traffic either. */
  precheck(address: string): void {
    this.guard.precheck(new URL(address));
  }

  async fetch(address: string): Promise<FetchedFile> {
    const timeout = new AbortController();
    const timer = setTimeout(
      () => timeout.abort(new Error(`no complete answer within ${this.totalTimeoutMs / 1000} s`)),
      this.totalTimeoutMs,
    );
    let url = new URL(address);
    try {
      for (let redirects = 0; ; redirects++) {
        const target = await this.guard.check(url);
        const response = await this.connect(target, { signal: timeout.signal, connectTimeoutMs: this.connectTimeoutMs }).catch(
          (error: unknown) => {
            throw unavailable(url, describeError(timeout.signal.reason ?? error));
          },
        );
        if (REDIRECTS.has(response.status)) {
          response.body.destroy();
          const location = response.headers.location;
          if (!location) throw unavailable(url, `HTTP ${response.status} without a Location`);
          if (redirects >= this.maxRedirects) {
            throw new AppError('url_not_allowed', `The media URL is not allowed: it redirects more than ${this.maxRedirects} times.`);
          }
          url = new URL(location, url);
          continue;
        }
        return await this.read(url, response, timeout.signal);
      }
    } finally {
      clearTimeout(timer);
    }
  }

  private async read(url: URL, response: UrlResponse, signal: AbortSignal): Promise<FetchedFile> {
    if (response.status !== 200) {
      response.body.destroy();
      throw unavailable(url, `HTTP ${response.status}`);
    }
    const declared = Number(response.headers['content-length']);
    if (Number.isFinite(declared) && declared > this.options.maxBytes) {
      response.body.destroy();
      throw tooLarge(this.options.maxBytes, 'The media at the URL');
    }
    const data = await readCapped(response.body, this.options.maxBytes, 'The media at the URL').catch((error: unknown) => {
      if (error instanceof AppError) throw error;
      throw unavailable(url, describeError(signal.reason ?? error));
    });
    const disposition = response.headers['content-disposition'];
    return {
      data,
      mimetype: response.headers['content-type'],
      filename: dispositionName(typeof disposition === 'string' ? disposition : undefined) ?? lastSegment(url),
    };
  }
}
