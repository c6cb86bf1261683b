import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Webhook } from 'standardwebhooks';
import type { AttemptResult } from './webhook-retry.js';

export interface SendRequest {
  url: string;
  secret: string;
  /** The event id: the `webhook-id` header, the same on every attempt. */
  eventId: string;
  payload: string;
  timeoutMs: number;
  now: Date;
  /** Aborts the attempt (shutdown). */
  signal?: AbortSignal;
}

/** What an attempt ended with; `error` says why when no status came back. */
export type SendResult = AttemptResult & { error: string | null };

/**
 * Kept-alive connections shared by every webhook; the dispatcher's lanes bound how many each
 * receiver gets. node:http rather than fetch: fetch costs several times the CPU per request, and at
 * thousands of deliveries a second that was most of the dispatcher's thread.
 */
const agents = { 'http:': new HttpAgent({ keepAlive: true }), 'https:': new HttpsAgent({ keepAlive: true }) };

/**
 * One signed POST (Standard Webhooks headers, signed by the `standardwebhooks` package so receivers
 * verify us with the same code). Redirects are not followed: a 3xx is the receiver's answer. The
 * timeout covers the whole exchange; the answer's body is discarded unread.
 */
export function sendWebhook(request: SendRequest): Promise<SendResult> {
  const signature = new Webhook(request.secret).sign(request.eventId, request.now, request.payload);
  const url = new URL(request.url);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<SendResult>((resolve) => {
    let answered: IncomingMessage | null = null;
    let req: ClientRequest | null = null;
    const finish = (result: SendResult): void => {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', stop);
      resolve(result);
    };
    const fail = (error: Error): void => {
      if (answered) answered.destroy();
      req?.destroy(error);
    };
    // A timer of our own, held until the attempt ends: an attempt must never hang a delivery for good.
    const timer = setTimeout(() => fail(named(`No answer within ${request.timeoutMs} ms`, 'TimeoutError')), request.timeoutMs);
    const stop = (): void => fail(named('The server is stopping', 'AbortError'));
    req = send(url, {
      method: 'POST',
      agent: agents[url.protocol as keyof typeof agents],
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(request.payload),
        'user-agent': 'whatsapp-mcp-api-webhooks',
        'webhook-id': request.eventId,
        'webhook-timestamp': String(Math.floor(request.now.getTime() / 1000)),
        'webhook-signature': signature,
      },
    });
    req.on('response', (res) => {
      answered = res;
      const header = res.headers['retry-after'];
      const result = { status: res.statusCode ?? null, retryAfter: header ?? null, error: null };
      // The body is read to its end (unread) so the connection can carry the next delivery.
      res.on('end', () => finish(result));
      res.on('close', () => finish(result));
      res.resume();
    });
    req.on('error', (error) => finish({ status: null, retryAfter: null, error: describeSendError(error, request.timeoutMs) }));
    if (request.signal?.aborted) stop();
    else request.signal?.addEventListener('abort', stop, { once: true });
    req.end(request.payload);
  });
}

const named = (message: string, name: string): Error => Object.assign(new Error(message), { name });

interface ErrorLike {
  name?: string;
  message?: string;
  code?: string;
  errors?: ErrorLike[];
  cause?: ErrorLike;
}

/** Duck-typed: a connection that tried several addresses fails with an AggregateError of them. */
function describeSendError(error: unknown, timeoutMs: number): string {
  const e = (typeof error === 'object' && error !== null ? error : {}) as ErrorLike;
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `No answer within ${timeoutMs} ms`;
  const code = e.code ?? e.errors?.[0]?.code ?? e.cause?.code;
  if (code) return `Could not reach the receiver (${code})`;
  return `Could not reach the receiver: ${e.message ?? String(error)}`;
}
