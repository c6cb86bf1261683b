import { readFile } from 'node:fs/promises';
import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { RateLimits } from '../limits/rate-limits.js';
import { acceptKeyForm } from '../security/api-key.js';
import { ApiKeys } from '../security/api-keys.js';
import { SandboxPhone } from './sandbox-phone.js';
import { SANDBOX_ASSETS, SANDBOX_LOGIN_ROUTE, SANDBOX_PAGE_ROUTE } from './sandbox-routes.js';

export type SandboxAsset = keyof typeof SANDBOX_ASSETS;

const ASSET_FILES: Record<SandboxAsset, string> = { script: 'sandbox.js', style: 'sandbox.css' };
const BANNER = 'Sandbox: simulated WhatsApp, no real messages are sent';

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The /sandbox page: rendered here with the account's contacts; its script and style are static files beside it. */
@Injectable()
export class SandboxPageService {
  private readonly assets = new Map<SandboxAsset, Promise<string>>();

  constructor(
    private readonly sandbox: SandboxPhone,
    private readonly keys: ApiKeys,
    private readonly limits: RateLimits,
  ) {}

  /** The page's script or style sheet, read once from `page/` (copied to dist by the build). */
  asset(name: SandboxAsset): Promise<string> {
    let text = this.assets.get(name);
    if (!text) {
      text = readFile(new URL(`./page/${ASSET_FILES[name]}`, import.meta.url), 'utf8');
      this.assets.set(name, text);
    }
    return text;
  }

  page(): string {
    const chats = this.sandbox.phone.chats();
    const option = (value: string, label: string) => `<option value="${escapeHtml(value)}">${escapeHtml(label)}</option>`;
    const contacts = chats.filter((c) => !c.isGroup).map((c) => option(c.id.split('@')[0], `${c.name} (+${c.id.split('@')[0]})`));
    const groups = chats.filter((c) => c.isGroup).map((c) => option(c.name, c.name));
    const me = escapeHtml(this.sandbox.phone.me.split('@')[0]);
    return layout(
      'Sandbox',
      `<main>
<section>
<h2>Write as a contact</h2>
<form id="write">
<label for="contact">Contact</label>
<select id="contact">${contacts.join('')}</select>
<label for="new-number">Or another number (with country code)</label>
<input id="new-number" inputmode="tel" placeholder="+49 151 23456789">
<label for="group">In a group (optional)</label>
<select id="group"><option value="">No group: a private chat</option>${groups.join('')}</select>
<label for="body">Message</label>
<textarea id="body" required></textarea>
<button type="submit">Send to the server</button>
</form>
<p id="write-note" class="note" role="status"></p>
</section>
<section>
<h2>The phone</h2>
<p>Account <strong>+${me}</strong>: <span id="linked">…</span>; <span id="chat-count">…</span> chats.</p>
<button type="button" data-action="scan">Scan the QR</button>
<button type="button" data-action="unlink" class="secondary">Unlink the device</button>
<button type="button" data-action="drop" class="secondary">Drop the connection</button>
<button type="button" data-action="restore" class="secondary">Restore the connection</button>
<p id="phone-note" class="note" role="status"></p>
</section>
<section>
<h2>Sent by the server</h2>
<table><thead><tr><th>Time</th><th>To</th><th>Message</th><th>Mark</th></tr></thead><tbody id="sent-rows"></tbody></table>
<p id="sent-empty">Nothing sent yet.</p>
<p id="sent-note" class="note" role="status"></p>
</section>
</main>
<script src="${SANDBOX_ASSETS.script}" defer></script>`,
    );
  }

  /** With WHATSAPP_API_KEY set, a browser without the key or cookie gets this form (401), as the QR page does. */
  keyForm(response: Response, wrongKey = false): string {
    response.status(401).setHeader('WWW-Authenticate', 'Bearer');
    const problem = wrongKey ? '<p role="alert" class="note error">That key is not right.</p>' : '';
    return layout(
      'Enter the API key',
      `<main><section class="login">${problem}<form method="post" action="${SANDBOX_LOGIN_ROUTE}">
<label for="key">API key (WHATSAPP_API_KEY)</label>
<input id="key" type="password" name="key" autocomplete="current-password" required autofocus>
<button type="submit">Open the sandbox</button>
</form></section></main>`,
    );
  }

  /** The form's target: a right key sets the QR page's cookie and goes back to the sandbox (303). Tries are limited. */
  async login(key: unknown, request: Request, response: Response): Promise<string | undefined> {
    if (!(await acceptKeyForm(key, request, response, this.keys, this.limits))) return this.keyForm(response, true);
    response.status(303).setHeader('Location', SANDBOX_PAGE_ROUTE);
    return undefined;
  }
}

function layout(title: string, content: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>WhatsApp MCP API - ${escapeHtml(title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${SANDBOX_ASSETS.style}">
</head>
<body>
<header><h1>WhatsApp MCP API: ${escapeHtml(title)}</h1></header>
<p class="banner" id="banner">${BANNER}</p>
${content}
</body>
</html>
`;
}
