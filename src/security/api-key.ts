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

/** The QR page's cookie: derived from the key (so it never reveals it), invalid once the key changes. */
export const QR_COOKIE = 'wa_mcp_qr';
export function qrCookieValue(key: string): string {
  return createHmac('sha256', key).update('whatsapp-mcp-api qr page v1').digest('base64url');
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
