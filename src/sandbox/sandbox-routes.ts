/*
 * The sandbox's routes as the security middleware must see them (the lead wires these in): the page
 * opens without the key (it then shows the key form), and the QR page's cookie opens the page and
 * the JSON controls it calls. The cookie is SameSite=Strict and cross-site requests are refused by
 * the Origin check, so a page elsewhere cannot drive the sandbox with it.
 */

export const SANDBOX_PAGE_ROUTE = '/sandbox';
export const SANDBOX_LOGIN_ROUTE = '/sandbox/login';
/**
 * A contact's message may carry a file as base64 (up to 16 MiB, 21⅓ MiB encoded): this route alone
 * reads JSON up to this size; every other keeps the global 1 MiB.
 */
export const SANDBOX_INCOMING_ROUTES = ['/api/sandbox/incoming', '/api/sessions/:session/sandbox/incoming'];
export const SANDBOX_INCOMING_LIMIT = '22mb';
export const SANDBOX_ASSETS = { script: '/sandbox/sandbox.js', style: '/sandbox/sandbox.css' } as const;

/** Answered without the key: the page (a key form until the cookie is set), its two files and the form's target. */
export const SANDBOX_OPEN_ROUTES: readonly string[] = [
  `GET ${SANDBOX_PAGE_ROUTE}`,
  `HEAD ${SANDBOX_PAGE_ROUTE}`,
  `GET ${SANDBOX_ASSETS.script}`,
  `GET ${SANDBOX_ASSETS.style}`,
  `POST ${SANDBOX_LOGIN_ROUTE}`,
];

/** Routes that accept the QR page's cookie in place of the key: the page and every JSON control. */
export function acceptsSandboxCookie(path: string): boolean {
  return path === SANDBOX_PAGE_ROUTE || path === '/api/sandbox' || path.startsWith('/api/sandbox/');
}

/**
 * The page's own Content-Security-Policy, stricter than the server's default for pages: its one
 * script and one style sheet from this server, no inline code at all, calls only to this server.
 */
export const SANDBOX_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');
