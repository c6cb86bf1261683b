import { classifyAttempt, nextDelay, parseRetryAfter } from './webhook-retry.js';

const NOW = Date.UTC(2026, 10, 30, 12, 0, 0);
const settings = { minMs: 5000, maxMs: 3_600_000, maxAttempts: 15 };

describe('classifyAttempt', () => {
  it.each([200, 201, 204, 299])('%i is delivered', (status) => {
    expect(classifyAttempt({ status, retryAfter: null }, NOW)).toEqual({ kind: 'delivered' });
  });

  it('410 means the receiver is gone', () => {
    expect(classifyAttempt({ status: 410, retryAfter: null }, NOW)).toEqual({ kind: 'gone' });
  });

  it.each([408, 429, 500, 502, 503, 504, 599])('%i is retried', (status) => {
    expect(classifyAttempt({ status, retryAfter: null }, NOW)).toEqual({ kind: 'retry', retryAfterMs: null });
  });

  it('no answer (timeout, network error) is retried', () => {
    expect(classifyAttempt({ status: null, retryAfter: null }, NOW)).toEqual({ kind: 'retry', retryAfterMs: null });
  });

  it.each([100, 199, 300, 301, 302, 304, 307, 400, 401, 403, 404, 409, 413, 422])('%i fails at once', (status) => {
    expect(classifyAttempt({ status, retryAfter: null }, NOW)).toEqual({ kind: 'failed' });
  });

  it('carries Retry-After on a retried status', () => {
    expect(classifyAttempt({ status: 503, retryAfter: '7' }, NOW)).toEqual({ kind: 'retry', retryAfterMs: 7000 });
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, ignores junk', () => {
    expect(parseRetryAfter('0', NOW)).toBe(0);
    expect(parseRetryAfter(' 120 ', NOW)).toBe(120_000);
    expect(parseRetryAfter(new Date(NOW + 30_000).toUTCString(), NOW)).toBe(30_000);
    expect(parseRetryAfter(new Date(NOW - 30_000).toUTCString(), NOW)).toBe(0);
    expect(parseRetryAfter('soon', NOW)).toBeNull();
    expect(parseRetryAfter('-5', NOW)).toBeNull();
    expect(parseRetryAfter(null, NOW)).toBeNull();
  });
});

describe('nextDelay', () => {
  const mid = () => 0.5;

  it('doubles from min up to max', () => {
    expect([1, 2, 3, 4].map((n) => nextDelay(n, null, settings, mid))).toEqual([5000, 10_000, 20_000, 40_000]);
    expect(nextDelay(14, null, settings, mid)).toBe(3_600_000);
  });

  it('jitters by at most 20 % and never past max', () => {
    expect(nextDelay(1, null, settings, () => 0)).toBe(4000);
    expect(nextDelay(1, null, settings, () => 1)).toBe(6000);
    expect(nextDelay(14, null, settings, () => 1)).toBe(3_600_000);
  });

  it('honours Retry-After up to max', () => {
    expect(nextDelay(1, 60_000, settings, mid)).toBe(60_000);
    expect(nextDelay(1, 10 * 3_600_000, settings, mid)).toBe(3_600_000);
  });

  it('stops after the last attempt', () => {
    expect(nextDelay(14, null, settings, mid)).not.toBeNull();
    expect(nextDelay(15, null, settings, mid)).toBeNull();
    expect(nextDelay(15, 1000, settings, mid)).toBeNull();
  });
});
