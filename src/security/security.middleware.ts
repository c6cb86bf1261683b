import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../common/app-error.js';
import { type AppConfig, isLoopbackHost } from '../config/app-config.js';
import { acceptsSandboxCookie, SANDBOX_OPEN_ROUTES } from '../sandbox/sandbox-routes.js';
import { markGrant, OPEN_ACCESS } from './access.js';
import { cookie, presentedKey, QR_COOKIE, qrCookieKey } from './api-key.js';
import type { ApiKeys } from './api-keys.js';

type Middleware = (request: Request, response: Response, next: NextFunction) => void;

/**
 * Answered without the key: liveness and readiness (revealing only the state), and the QR page, which then shows a
 * form to enter the key (it sets the cookie), and that form's target.
 */
const OPEN_ROUTES = new Set(['GET /health', 'HEAD /health', 'GET /health/ready', 'HEAD /health/ready', 'GET /qr', 'HEAD /qr']);
/**
 * Read-only pages a person opens in a browser also accept the cookie set by the QR page's key form:
 * the QR page and JSON, the API description and Swagger UI. Never a route that sends or changes.
 */
const COOKIE_ROUTES = new Set(['GET /qr', 'HEAD /qr', 'GET /api/qr', 'HEAD /api/qr', 'GET /openapi.json']);
const acceptsCookie = (method: string, path: string): boolean =>
  COOKIE_ROUTES.has(`${method} ${path}`) || (method === 'GET' && (path === '/docs' || path.startsWith('/docs/')));
export const QR_LOGIN_ROUTE = '/qr/login';

function hostName(hostHeader: string | undefined): string {
  const host = (hostHeader ?? '').toLowerCase();
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  return host.split(':')[0];
}

/**
 * DNS rebinding: while bound to loopback, only requests addressed to a loopback name are answered
 * (a web page's own host name that resolves to 127.0.0.1 is refused); WHATSAPP_ALLOWED_HOSTS adds
 * names, and once set it applies on any binding.
 */
export function hostCheck(config: AppConfig): Middleware {
  const allowed = new Set(config.allowedHosts);
  const enforce = isLoopbackHost(config.host) || allowed.size > 0;
  return (request, _response, next) => {
    const host = hostName(request.header('host'));
    if (!enforce || isLoopbackHost(host) || allowed.has(host)) return next();
    next(
      new AppError('forbidden', `Host "${host}" is not allowed; add it to WHATSAPP_ALLOWED_HOSTS if this server is reached through it.`),
    );
  };
}

/**
 * Browsers send Origin on cross-site requests: only listed origins (and the server's own, for its
 * QR page form) may call. Requests without Origin (curl, services) are not affected.
 */
export function originCheck(config: AppConfig): Middleware {
  const allowed = new Set(config.allowedOrigins);
  return (request, _response, next) => {
    const origin = request.header('origin');
    if (!origin || allowed.has(origin) || isSameOrigin(origin, request.header('host'))) return next();
    next(
      new AppError('forbidden', `Origin ${origin} is not allowed; list it in WHATSAPP_ALLOWED_ORIGINS to call this API from a browser.`),
    );
  };
}

/** The page's own origin (the QR page posting its form); http or https, as a proxy may end TLS. */
function isSameOrigin(origin: string, host: string | undefined): boolean {
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.host === host;
  } catch {
    return false;
  }
}

export function allowsOrigin(config: AppConfig): (origin: string | undefined) => boolean {
  const allowed = new Set(config.allowedOrigins);
  return (origin) => origin !== undefined && allowed.has(origin);
}

/**
 * With a key required (WHATSAPP_API_KEY or WHATSAPP_API_KEYS_FILE), every route but liveness (and the QR and sandbox
 * pages' key forms) needs one; the request is marked with its key's rights, which ScopeGuard checks. The sandbox's
 * routes are open or take the cookie only in a sandbox; elsewhere they are unknown routes like any other.
 */
export function apiKeyCheck(keys: ApiKeys, config: AppConfig): Middleware {
  const open = new Set([...OPEN_ROUTES, `POST ${QR_LOGIN_ROUTE}`, ...(config.sandbox ? SANDBOX_OPEN_ROUTES : [])]);
  const cookieOpens = (method: string, path: string): boolean =>
    acceptsCookie(method, path) || (config.sandbox && acceptsSandboxCookie(path));
  return (request, _response, next) => {
    if (!keys.required) {
      markGrant(request, OPEN_ACCESS);
      return next();
    }
    const route = `${request.method} ${request.path}`;
    const key =
      keys.match(presentedKey(request)) ??
      (cookieOpens(request.method, request.path) ? qrCookieKey(cookie(request, QR_COOKIE), keys.all) : null);
    markGrant(request, key);
    if (key || open.has(route)) return next();
    next(new AppError('unauthorized', 'A valid API key is required: send it as X-Api-Key: <key> or Authorization: Bearer <key>.'));
  };
}
