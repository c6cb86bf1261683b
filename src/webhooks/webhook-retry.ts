/**
 * What one delivery attempt's outcome means (Standard Webhooks, as the contract spells it):
 * 2xx delivered; 410 the receiver is gone for good (disable the webhook); timeout, network error,
 * 408, 429 and 5xx are worth another attempt; any other status fails at once (retrying a 400 or a
 * redirect cannot make it succeed).
 */
export type AttemptOutcome = { kind: 'delivered' } | { kind: 'gone' } | { kind: 'retry'; retryAfterMs: number | null } | { kind: 'failed' };

export interface AttemptResult {
  /** The receiver's status, or null when no answer came (timeout, network error). */
  status: number | null;
  /** The raw `Retry-After` header, if any. */
  retryAfter: string | null;
}

export function classifyAttempt({ status, retryAfter }: AttemptResult, now: number): AttemptOutcome {
  if (status === null) return { kind: 'retry', retryAfterMs: null };
  if (status >= 200 && status < 300) return { kind: 'delivered' };
  if (status === 410) return { kind: 'gone' };
  if (status === 408 || status === 429 || status >= 500) return { kind: 'retry', retryAfterMs: parseRetryAfter(retryAfter, now) };
  return { kind: 'failed' };
}

/** `Retry-After` as delay-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number): number | null {
  if (value === null) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // An HTTP date names its day and month in letters; Date.parse alone would read "-5" as a year.
  const date = /^[A-Za-z]{3}, /.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

export interface RetrySettings {
  minMs: number;
  maxMs: number;
  maxAttempts: number;
}

/**
 * The wait before attempt `attempts + 1`, after `attempts` failed ones: min doubling up to max,
 * ±20 % jitter (so receivers coming back are not hit by every queued delivery at the same instant),
 * a receiver's `Retry-After` honoured up to max. Null once the attempts are used up.
 */
export function nextDelay(attempts: number, retryAfterMs: number | null, settings: RetrySettings, random = Math.random): number | null {
  if (attempts >= settings.maxAttempts) return null;
  if (retryAfterMs !== null) return Math.min(retryAfterMs, settings.maxMs);
  const base = Math.min(settings.minMs * 2 ** Math.max(0, attempts - 1), settings.maxMs);
  return Math.round(Math.min(base * (0.8 + 0.4 * random()), settings.maxMs));
}
