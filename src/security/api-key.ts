import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import type { ApiKeys } from './api-keys.js';

/** Constant-time comparison; hashing first makes the lengths equal, so the length leaks nothing either. */
export function keyMatches(presented: string | undefined, key: string): boolean {
  if (presented === undefined) return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(presented), digest(key));
}

/** The key as a request presents it: `X-Api-Key: <key>` or `Authorization: Bearer <key>`. */
export function presentedKey(request: Request): string | undefined {
  const header = request.header('x-api-key');
  if (header) return header;
  const match = /^Bearer\s+(.+)$/i.exec(request.header('authorization') ?? '');
  return match?.[1]?.trim();
}

/**
 * The QR page's cookie: `<issued at>.<HMAC of it keyed with the key's SHA-256>`. It never reveals the
 * key, stops working when the key changes or leaves the keys file, tells which key signed it (its
 * scopes apply), and the server refuses it an hour after it was issued (Max-Age is only the
 * browser's side of that).
 */
export const QR_COOKIE = 'wa_mcp_qr';
export const QR_COOKIE_MAX_AGE_S = 3600;

const sign = (keyDigest: Buffer, issuedAt: number): string =>
  createHmac('sha256', keyDigest).update(`whatsapp-mcp-api qr page v1 ${issuedAt}`).digest('base64url');

export function qrCookieValue(keyDigest: Buffer, now: number = Date.now()): string {
  const issuedAt = Math.floor(now / 1000);
  return `${issuedAt}.${sign(keyDigest, issuedAt)}`;
}

/** The key that signed a valid cookie; every key is tried, whatever matched, as ApiKeys.match does. */
export function qrCookieKey<K extends { digest: Buffer }>(
  value: string | undefined,
  keys: readonly K[],
  now: number = Date.now(),
): K | null {
  const match = /^(\d{1,12})\.([\w-]+)$/.exec(value ?? '');
  if (!match) return null;
  const issuedAt = Number(match[1]);
  const age = Math.floor(now / 1000) - issuedAt;
  if (age < 0 || age > QR_COOKIE_MAX_AGE_S) return null;
  let found: K | null = null;
  for (const key of keys) found = keyMatches(match[2], sign(key.digest, issuedAt)) ? key : found;
  return found;
}

export function cookie(request: Request, name: string): string | undefined {
  for (const part of (request.header('cookie') ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

/** The sending-limit checks a key form uses (RateLimits): tries per address are limited. */
export interface KeyAttempts {
  checkKeyAttempts(address: string): Promise<void>;
  wrongKey(address: string): Promise<void>;
}

/**
 * The post of a page's key form (the QR page, the sandbox page): with keys required, a right one sets
 * the pages' cookie; a wrong one counts against the address. True when the page may be shown.
 */
export async function acceptKeyForm(
  key: unknown,
  request: { ip?: string; secure: boolean },
  response: { setHeader(name: string, value: string): unknown },
  keys: ApiKeys,
  attempts: KeyAttempts,
): Promise<boolean> {
  if (!keys.required) return true;
  const address = request.ip ?? 'unknown';
  await attempts.checkKeyAttempts(address);
  const entry = keys.match(typeof key === 'string' ? key : undefined);
  if (!entry) {
    await attempts.wrongKey(address);
    return false;
  }
  const secure = request.secure ? '; Secure' : '';
  response.setHeader(
    'Set-Cookie',
    `${QR_COOKIE}=${qrCookieValue(entry.digest)}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${QR_COOKIE_MAX_AGE_S}${secure}`,
  );
  return true;
}
