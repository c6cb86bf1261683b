import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { AppError } from '../common/app-error.js';
import { SESSION_NAME_PATTERN } from '../common/session-name.js';
import { ALL_SESSIONS, SCOPES, type Scope } from '../config/api-keys-file.js';

export { SCOPES, type Scope } from '../config/api-keys-file.js';

/** What the caller may do: a key's scopes and sessions, named by the key's name (null: no key is configured). */
export interface Grant {
  readonly name: string | null;
  readonly scopes: readonly Scope[];
  readonly sessions: readonly string[];
  /** The SHA-256 of the key behind the rights, which names it across reloads; absent when no key gave them. */
  readonly digest?: Buffer;
}

/** Without any key configured, every caller may do everything (loopback only, see assertSafeBinding). */
export const OPEN_ACCESS: Grant = { name: null, scopes: SCOPES, sessions: [ALL_SESSIONS] };

/** The rights of a caller that brought no valid key. */
export const NO_ACCESS: Grant = { name: null, scopes: [], sessions: [] };

const GRANT = Symbol('grant');
type Marked = Request & { [GRANT]?: Grant | null };

/** Set by the key check (apiKeyCheck): the caller's rights, or null when no valid key came. */
export function markGrant(request: Request, grant: Grant | null): void {
  (request as Marked)[GRANT] = grant;
}

export function grantOf(request: Request): Grant | null {
  return (request as Marked)[GRANT] ?? null;
}

/** A handler parameter: the caller's rights, for a connection that outlives the request (re-checked when the keys are reloaded). */
export const CallerGrant = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Grant => grantOf(context.switchToHttp().getRequest<Request>()) ?? NO_ACCESS,
);

/** Whether the request carried a valid key (always true when no key is configured). */
export function isAuthenticated(request: Request): boolean {
  return grantOf(request) !== null;
}

export const lacksScope = (scope: Scope): AppError => new AppError('forbidden', `This key lacks the "${scope}" scope.`);

/** In `refusal`: the route covers every session at once. */
export const EVERY_SESSION = Symbol('every session');

const maySession = (grant: Grant, session: string): boolean => grant.sessions.includes(ALL_SESSIONS) || grant.sessions.includes(session);

/** The 403 for a call that needs `scope` (null: any key) on `session` (`every`: all sessions; null: none), or null when allowed. */
export function refusal(grant: Grant, scope: Scope | null, session: string | null | typeof EVERY_SESSION): AppError | null {
  if (scope !== null && !grant.scopes.includes(scope)) return lacksScope(scope);
  if (session === EVERY_SESSION) {
    return maySession(grant, ALL_SESSIONS)
      ? null
      : new AppError('forbidden', 'This key may not use every session ("*"), which this route covers.');
  }
  if (session === null || maySession(grant, session)) return null;
  // A name outside the rule is in no key's list; it is not repeated back.
  const named = SESSION_NAME_PATTERN.test(session) ? `session "${session}"` : 'that session';
  return new AppError('forbidden', `This key may not use ${named}.`);
}

/**
 * The rights the key behind `grant` has among `keys` (a reload's), found by its hash: null when the key
 * is no longer listed. Rights no key gave (no key configured) are not the keys file's to take back.
 */
export function rightsNow(grant: Grant, keys: readonly (Grant & { digest: Buffer })[]): Grant | null {
  const digest = grant.digest;
  if (digest === undefined) return grant;
  return keys.find((entry) => entry.digest.equals(digest)) ?? null;
}

/** Whether `now` still grants every scope and session `before` did. */
export function covers(now: Grant, before: Grant): boolean {
  return before.scopes.every((scope) => now.scopes.includes(scope)) && before.sessions.every((session) => maySession(now, session));
}
