import { SetMetadata } from '@nestjs/common';
import type { Scope } from './access.js';

/** Which sessions a route acts on, for the session check: */
export type SessionTarget =
  /** the one the request acts on (`/api/sessions/{session}/...`, else `default`) */
  | 'request'
  /** all of them at once (webhooks, metrics): only a key with `*` */
  | 'every'
  /** none (the MCP endpoint, whose tools check per call; liveness; the page forms) */
  | 'none'
  /** the one named by this route parameter (the sessions routes) */
  | { param: string };

/** What a route asks of the caller's key: a scope (null: any valid key) and its sessions. */
export interface RouteAccess {
  scope: Scope | null;
  sessions: SessionTarget;
}

export const ROUTE_ACCESS = 'whatsapp:route-access';

/**
 * On a controller or a handler (the handler's wins): the scope the route needs, on the sessions it
 * acts on. ScopeGuard enforces it; a route without one is for keys with `admin` on every session.
 */
export const RequireScope = (scope: Scope, sessions: SessionTarget = 'request') =>
  SetMetadata<string, RouteAccess>(ROUTE_ACCESS, { scope, sessions });

/** Any valid key may call the route (or none where the key check leaves it open). */
export const AnyKey = () => SetMetadata<string, RouteAccess>(ROUTE_ACCESS, { scope: null, sessions: 'none' });

/** Fail closed: what a route that declares nothing needs. */
export const UNDECLARED_ACCESS: RouteAccess = { scope: 'admin', sessions: 'every' };
