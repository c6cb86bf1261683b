import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { requestSession } from '../common/session-name.js';
import { EVERY_SESSION, grantOf, refusal } from './access.js';
import { ROUTE_ACCESS, type RouteAccess, UNDECLARED_ACCESS } from './require-scope.decorator.js';

/**
 * 403 `forbidden` for a key without the route's scope or session (see @RequireScope). Runs after the
 * key check (the middleware answers 401); a request without a key reaches a route only where that
 * check leaves it open (liveness, the page forms), and the route then decides what to show.
 */
@Injectable()
export class ScopeGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<Request>();
    const grant = grantOf(request);
    if (!grant) return true;
    const access =
      this.reflector.getAllAndOverride<RouteAccess | undefined>(ROUTE_ACCESS, [context.getHandler(), context.getClass()]) ??
      UNDECLARED_ACCESS;
    const refused = refusal(grant, access.scope, targetSession(access, request));
    if (refused) throw refused;
    return true;
  }
}

function targetSession({ sessions }: RouteAccess, request: Request): string | null | typeof EVERY_SESSION {
  if (sessions === 'none') return null;
  if (sessions === 'every') return EVERY_SESSION;
  if (sessions === 'request') return requestSession(request);
  const named: unknown = request.params?.[sessions.param];
  return typeof named === 'string' ? named : EVERY_SESSION;
}
