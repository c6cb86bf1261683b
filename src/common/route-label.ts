import type { Request } from 'express';

/**
 * The matched route pattern (`/api/send`), or null when no route matched: the request was refused
 * before routing, or reached Nest's catch-all not-found handler (registered as `{/*splat}`).
 * Logs and metrics use it instead of the raw path, which a scanner can vary without end.
 */
export function routeOf(request: Partial<Pick<Request, 'route'>>): string | null {
  const path: unknown = (request.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' && !path.includes('*') ? path : null;
}
