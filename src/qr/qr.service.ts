import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { RateLimits } from '../limits/rate-limits.js';
import { acceptKeyForm } from '../security/api-key.js';
import { ApiKeys } from '../security/api-keys.js';
import { QR_LOGIN_ROUTE } from '../security/security.middleware.js';
import { DEFAULT_SESSION, SESSION_NAME_PATTERN } from '../common/session-name.js';
import { sessionNotFound, WhatsAppService } from '../whatsapp/whatsapp.service.js';
import type { QrAnswer } from './qr.answers.js';

const NO_QR = 'No QR is available yet. Start auth, then refresh this page.';

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

@Injectable()
export class QrService {
  constructor(
    private readonly whatsapp: WhatsAppService,
    private readonly keys: ApiKeys,
    private readonly limits: RateLimits,
  ) {}

  async qr(session = DEFAULT_SESSION): Promise<QrAnswer> {
    const qr = this.whatsapp.session(session).qr;
    // Loaded on the first QR drawn: an idle server, or one linked long ago, never needs it.
    const dataUrl = qr ? await (await import('qrcode')).default.toDataURL(qr, { type: 'image/png', width: 360, margin: 2 }) : null;
    return { has_qr: qr !== null, qr, data_url: dataUrl };
  }

  /**
   * With WHATSAPP_API_KEY set, a browser without the key gets this form (401). Entering the key
   * sets an HttpOnly cookie, derived from the key, that opens only the QR page and its JSON.
   */
  keyForm(response: Response, session: string, wrongKey = false): string {
    response.status(401).setHeader('WWW-Authenticate', 'Bearer');
    response.setHeader('Content-Type', 'text/html; charset=utf-8');
    const problem = wrongKey ? '<p role="alert">That key is not right.</p>' : '';
    return layout(
      'Enter the API key',
      `${problem}<form method="post" action="${QR_LOGIN_ROUTE}${sessionQuery(session)}">
<label>API key (WHATSAPP_API_KEY) <input type="password" name="key" autocomplete="current-password" required autofocus></label>
<button type="submit">Show the QR</button>
</form>`,
      false,
    );
  }

  /** The form's target: a right key sets the cookie and goes back to the QR page (303). Tries are limited. */
  async login(key: unknown, request: Request, response: Response, session: string): Promise<string | undefined> {
    if (!(await acceptKeyForm(key, request, response, this.keys, this.limits))) return this.keyForm(response, session, true);
    response.setHeader('Location', `/qr${sessionQuery(session)}`);
    return undefined;
  }

  pageSession(value: unknown, authenticated: boolean): string {
    return qrPageSession(this.whatsapp, value, authenticated);
  }

  /** The contract's self-contained page: the QR (or why there is none), the state, a 5 s refresh. */
  async page(session: string): Promise<string> {
    const { data_url: dataUrl } = await this.qr(session);
    const state = escapeHtml(this.whatsapp.session(session).currentState);
    const body = dataUrl ? `<img src="${dataUrl}" width="360" height="360" alt="WhatsApp QR code">` : `<p>${NO_QR}</p>`;
    return layout(
      'Link WhatsApp',
      `${session === DEFAULT_SESSION ? '' : `<p>Session: <strong id="session">${session}</strong></p>\n`}<p>State: <strong id="state">${state}</strong></p>
${body}
<p>On your phone: Settings &rarr; Linked devices &rarr; Link a device</p>`,
      true,
    );
  }
}

/**
 * The session a QR page shows: `?session=` (default `default`). Unknown → 404 `session_not_found`;
 * the name is checked against the pattern first, so it is safe to write into the page.
 */
export function qrPageSession(whatsapp: WhatsAppService, value: unknown, authenticated: boolean): string {
  if (value === undefined || value === '') return DEFAULT_SESSION;
  const name = typeof value === 'string' ? value : '';
  // Without the key, which sessions exist is not told: the key form comes back for any well-formed name.
  if (!SESSION_NAME_PATTERN.test(name) || (authenticated && !whatsapp.find(name))) throw sessionNotFound(name.slice(0, 64));
  return name;
}

const sessionQuery = (session: string): string => (session === DEFAULT_SESSION ? '' : `?session=${session}`);

function layout(title: string, content: string, refresh: boolean): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
${refresh ? '<meta http-equiv="refresh" content="5">\n' : ''}<meta name="viewport" content="width=device-width, initial-scale=1">
<title>WhatsApp MCP API - link a device</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;text-align:center}img{image-rendering:pixelated}</style>
</head>
<body>
<h1>${title}</h1>
${content}
</body>
</html>
`;
}
