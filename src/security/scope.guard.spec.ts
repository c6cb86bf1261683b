import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { setRequestSession } from '../common/session-name.js';
import { type Grant, markGrant, OPEN_ACCESS } from './access.js';
import { AnyKey, RequireScope } from './require-scope.decorator.js';
import { ScopeGuard } from './scope.guard.js';

class Routes {
  @RequireScope('read') status() {}
  @RequireScope('send') send() {}
  @RequireScope('admin', 'every') webhooks() {}
  @RequireScope('admin', { param: 'name' }) deleteSession() {}
  @AnyKey() mcp() {}
  undeclared() {}
}

const SALES: Grant = { name: 'sales', scopes: ['read', 'send'], sessions: ['sales'] };
const SALES_ADMIN: Grant = { name: 'sales-admin', scopes: ['read', 'send', 'admin'], sessions: ['sales'] };
const READER: Grant = { name: 'reader', scopes: ['read'], sessions: ['*'] };

function attempt(handler: keyof Routes, grant: Grant | null, options: { session?: string; params?: Record<string, string> } = {}) {
  const request = { params: options.params ?? {} } as unknown as Request;
  markGrant(request, grant);
  if (options.session) setRequestSession(request, options.session);
  const context = {
    getType: () => 'http',
    // eslint-disable-next-line @typescript-eslint/unbound-method -- the handler is only a metadata key here
    getHandler: () => Routes.prototype[handler],
    getClass: () => Routes,
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
  try {
    return new ScopeGuard(new Reflector()).canActivate(context);
  } catch (error) {
    return (error as Error).message;
  }
}

describe('ScopeGuard', () => {
  it('lets a key with the scope through, and names the scope it lacks', () => {
    expect(attempt('status', READER)).toBe(true);
    expect(attempt('send', READER)).toBe('This key lacks the "send" scope.');
    expect(attempt('send', OPEN_ACCESS)).toBe(true);
  });

  it('checks the session the request acts on (set by the session routing), default otherwise', () => {
    expect(attempt('send', SALES, { session: 'sales' })).toBe(true);
    expect(attempt('send', SALES, { session: 'support' })).toBe('This key may not use session "support".');
    expect(attempt('status', SALES)).toBe('This key may not use session "default".');
    expect(attempt('status', READER, { session: 'support' })).toBe(true);
  });

  it('a route over every session needs "*"; a session parameter is checked by name', () => {
    expect(attempt('webhooks', SALES_ADMIN)).toBe('This key may not use every session ("*"), which this route covers.');
    expect(attempt('webhooks', OPEN_ACCESS)).toBe(true);
    expect(attempt('deleteSession', SALES_ADMIN, { params: { name: 'sales' } })).toBe(true);
    expect(attempt('deleteSession', SALES_ADMIN, { params: { name: 'support' } })).toBe('This key may not use session "support".');
    expect(attempt('deleteSession', SALES, { params: { name: 'sales' } })).toBe('This key lacks the "admin" scope.');
  });

  it('a route that declares nothing is for admin keys on every session (fail closed)', () => {
    expect(attempt('undeclared', READER)).toBe('This key lacks the "admin" scope.');
    expect(attempt('undeclared', SALES_ADMIN)).toBe('This key may not use every session ("*"), which this route covers.');
    expect(attempt('undeclared', OPEN_ACCESS)).toBe(true);
  });

  it('any key may use an AnyKey route; without a key the route decides (the key check left it open)', () => {
    expect(attempt('mcp', { name: 'none', scopes: [], sessions: [] })).toBe(true);
    expect(attempt('status', null)).toBe(true);
  });

  it('does not repeat a session name outside the naming rule', () => {
    expect(attempt('status', SALES, { session: '<script>' })).toBe('This key may not use that session.');
  });
});
