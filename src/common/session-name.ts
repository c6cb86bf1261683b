import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/** `/api/...` acts on this session; it always exists. */
export const DEFAULT_SESSION = 'default';
/** The contract's session names. */
export const SESSION_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,31}$/;

const SESSION = Symbol('session');
type WithSession = Request & { [SESSION]?: string };

/** Set by the session routing middleware for `/api/sessions/{session}/...`. */
export function setRequestSession(request: Request, session: string): void {
  (request as WithSession)[SESSION] = session;
}

/** The session a request acts on: the one its path names, else `default`. */
export function requestSession(request: Request): string {
  return (request as WithSession)[SESSION] ?? DEFAULT_SESSION;
}

/** A handler parameter: the session the request acts on (`@SessionName() session: string`). */
export const SessionName = createParamDecorator((_data: unknown, context: ExecutionContext): string =>
  requestSession(context.switchToHttp().getRequest<Request>()),
);

/**
 * The routes that act on one account: each `/api/<route>` also exists as
 * `/api/sessions/{session}/<route>` (the contract's list, with the routes below them).
 */
export const PER_SESSION_ROUTES = [
  'status',
  'auth/start',
  'pairing-code',
  'send',
  'send-media',
  'chats',
  'messages',
  'qr',
  'logout',
  'outbox',
  'search',
  'events',
  'sandbox',
] as const;

const SESSION_PATH = new RegExp(`^/api/sessions/([^/]+)/((?:${PER_SESSION_ROUTES.join('|')})(?:/.*)?)$`);

/** `/api/sessions/sales/chats/x` → `{ session: 'sales', path: '/api/chats/x' }`; null for any other path. */
export function splitSessionPath(path: string): { session: string; path: string } | null {
  const match = SESSION_PATH.exec(path);
  return match ? { session: match[1], path: `/api/${match[2]}` } : null;
}
