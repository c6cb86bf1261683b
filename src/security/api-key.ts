import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';

const AUTHENTICATED = Symbol('authenticated');
type Marked = Request & { [AUTHENTICATED]?: boolean };

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
 * The QR page's cookie: `<issued at>.<HMAC of it with the key>`. It never reveals the key, stops
 * working when the key changes, and the server refuses it an hour after it was issued (Max-Age is
 * only the browser's side of that).
 */
export const QR_COOKIE = 'wa_mcp_qr';
export const QR_COOKIE_MAX_AGE_S = 3600;

const sign = (key: string, issuedAt: number): string =>
  createHmac('sha256', key).update(`whatsapp-mcp-api qr page v1 ${issuedAt}`).digest('base64url');

export function qrCookieValue(key: string, now: number = Date.now()): string {
  const issuedAt = Math.floor(now / 1000);
  return `${issuedAt}.${sign(key, issuedAt)}`;
}

export function qrCookieValid(value: string | undefined, key: string, now: number = Date.now()): boolean {
  const match = /^(\d{1,12})\.([\w-]+)$/.exec(value ?? '');
  if (!match) return false;
  const issuedAt = Number(match[1]);
  const age = Math.floor(now / 1000) - issuedAt;
  return age >= 0 && age <= QR_COOKIE_MAX_AGE_S && keyMatches(match[2], sign(key, issuedAt));
}

export function cookie(request: Request, name: string): string | undefined {
  for (const part of (request.header('cookie') ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

export function markAuthenticated(request: Request, authenticated: boolean): void {
  (request as Marked)[AUTHENTICATED] = authenticated;
}

/** Whether the request carried the key (always true when no key is configured). */
export function isAuthenticated(request: Request): boolean {
  return (request as Marked)[AUTHENTICATED] ?? false;
}

/** The sending-limit checks a key form uses (RateLimits): tries per address are limited. */
export interface KeyAttempts {
  checkKeyAttempts(address: string): Promise<void>;
  wrongKey(address: string): Promise<void>;
}

/**
 * The post of a page's key form (the QR page, the sandbox page): with a key set, a right one sets
 * the pages' cookie; a wrong one counts against the address. True when the page may be shown.
 */
export async function acceptKeyForm(
  key: unknown,
  request: { ip?: string; secure: boolean },
  response: { setHeader(name: string, value: string): unknown },
  apiKey: string | null,
  attempts: KeyAttempts,
): Promise<boolean> {
  if (!apiKey) return true;
  const address = request.ip ?? 'unknown';
  await attempts.checkKeyAttempts(address);
  if (!keyMatches(typeof key === 'string' ? key : undefined, apiKey)) {
    await attempts.wrongKey(address);
    return false;
  }
  const secure = request.secure ? '; Secure' : '';
  response.setHeader(
    'Set-Cookie',
    `${QR_COOKIE}=${qrCookieValue(apiKey)}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${QR_COOKIE_MAX_AGE_S}${secure}`,
  );
  return true;
}
