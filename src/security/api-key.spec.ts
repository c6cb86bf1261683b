import { sha256 } from '../config/api-keys-file.js';
import { keyMatches, qrCookieKey, qrCookieValue } from './api-key.js';

const qrCookieValid = (value: string | undefined, key: string, now: number): boolean =>
  qrCookieKey(value, [{ digest: sha256(key) }], now) !== null;

describe('keyMatches', () => {
  it('accepts the key only', () => {
    expect(keyMatches('s3cret', 's3cret')).toBe(true);
    expect(keyMatches('s3cre', 's3cret')).toBe(false);
    expect(keyMatches('s3cret!', 's3cret')).toBe(false);
    expect(keyMatches('', 's3cret')).toBe(false);
    expect(keyMatches(undefined, 's3cret')).toBe(false);
  });
});

describe('the QR cookie', () => {
  const now = Date.UTC(2026, 10, 21, 12);

  it('is valid for an hour with the key that issued it', () => {
    const value = qrCookieValue(sha256('key-1'), now);
    expect(value).not.toContain('key-1');
    expect(qrCookieValid(value, 'key-1', now)).toBe(true);
    expect(qrCookieValid(value, 'key-1', now + 3_600_000)).toBe(true);
    expect(qrCookieValid(value, 'key-1', now + 3_601_000)).toBe(false);
  });

  it('is refused with another key, a changed date, or garbage', () => {
    const value = qrCookieValue(sha256('key-1'), now);
    const [issued, mac] = value.split('.');
    expect(qrCookieValid(value, 'key-2', now)).toBe(false);
    expect(qrCookieValid(`${Number(issued) + 60}.${mac}`, 'key-1', now + 60_000)).toBe(false);
    expect(qrCookieValid(value, 'key-1', now - 5_000)).toBe(false);
    for (const junk of [undefined, '', 'abc', `${issued}.`, `.${mac}`, `${issued}.${mac}.x`]) {
      expect(qrCookieValid(junk, 'key-1', now)).toBe(false);
    }
  });

  it('names the key that signed it among several', () => {
    const keys = [{ digest: sha256('key-1') }, { digest: sha256('key-2') }, { digest: sha256('key-3') }];
    expect(qrCookieKey(qrCookieValue(sha256('key-2'), now), keys, now)).toBe(keys[1]);
    expect(qrCookieKey(qrCookieValue(sha256('key-4'), now), keys, now)).toBeNull();
  });
});
