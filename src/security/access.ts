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
}

/** Without any key configured, every caller may do everything (loopback only, see assertSafeBinding). */
export const OPEN_ACCESS: Grant = { name: null, scopes: SCOPES, sessions: [ALL_SESSIONS] };

const GRANT = Symbol('grant');
type Marked = Request & { [GRANT]?: Grant | null };

/** Set by the key check (apiKeyCheck): the caller's rights, or null when no valid key came. */
export function markGrant(request: Request, grant: Grant | null): void {
  (request as Marked)[GRANT] = grant;
}

export function grantOf(request: Request): Grant | null {
  return (request as Marked)[GRANT] ?? null;
}

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
