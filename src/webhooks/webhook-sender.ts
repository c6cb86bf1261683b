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
 * One signed POST (Standard Webhooks headers, signed by the `standardwebhooks` package so receivers
 * verify us with the same code). Redirects are not followed: a 3xx is the receiver's answer. The
 * timeout covers the whole exchange; the answer's body is discarded unread.
 */
export async function sendWebhook(request: SendRequest): Promise<SendResult> {
  const signature = new Webhook(request.secret).sign(request.eventId, request.now, request.payload);
  // Our own timer and controller, held until the attempt ends: a composite AbortSignal.any() of
  // AbortSignal.timeout() holds its parts weakly, and an attempt left without its timeout could
  // hang a delivery for good.
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException(`No answer within ${request.timeoutMs} ms`, 'TimeoutError')),
    request.timeoutMs,
  );
  const stop = (): void => controller.abort(new DOMException('The server is stopping', 'AbortError'));
  if (request.signal?.aborted) stop();
  request.signal?.addEventListener('abort', stop, { once: true });
  try {
    const response = await fetch(request.url, {
      method: 'POST',
      body: request.payload,
      redirect: 'manual',
      signal: controller.signal,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'whatsapp-mcp-api-webhooks',
        'webhook-id': request.eventId,
        'webhook-timestamp': String(Math.floor(request.now.getTime() / 1000)),
        'webhook-signature': signature,
      },
    });
    await response.body?.cancel().catch(() => undefined);
    return { status: response.status, retryAfter: response.headers.get('retry-after'), error: null };
  } catch (error) {
    return { status: null, retryAfter: null, error: describeSendError(error, request.timeoutMs) };
  } finally {
    clearTimeout(timer);
    request.signal?.removeEventListener('abort', stop);
  }
}

interface ErrorLike {
  name?: string;
  message?: string;
  code?: string;
  cause?: ErrorLike & { errors?: ErrorLike[] };
}

/** Duck-typed: fetch's errors come from undici, whose Error may be another realm's. */
function describeSendError(error: unknown, timeoutMs: number): string {
  const e = (typeof error === 'object' && error !== null ? error : {}) as ErrorLike;
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `No answer within ${timeoutMs} ms`;
  const code = e.cause?.code ?? e.cause?.errors?.[0]?.code;
  if (code) return `Could not reach the receiver (${code})`;
  return `Could not reach the receiver: ${e.cause?.message ?? e.message ?? String(error)}`;
}
