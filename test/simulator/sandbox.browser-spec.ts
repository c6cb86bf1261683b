/**
 * The sandbox phone with the REAL whatsapp-web.js in a REAL Chromium: it links itself (or waits
 * for a scan), holds its sample chats, and its controls and its /sandbox page reach the client.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { jest } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import puppeteer, { type Browser, type Page } from 'puppeteer';
import wwebjs from 'whatsapp-web.js';
import type { Client as WAClient, Message } from 'whatsapp-web.js';
import { SandboxControls } from '../../src/sandbox/sandbox-controls.js';
import { SandboxPhone } from '../../src/sandbox/sandbox-phone.js';
import { createSandboxApp } from '../sandbox-app.js';
import { next, record } from './harness.js';

jest.setTimeout(120_000);

const { Client, LocalAuth } = wwebjs;

/** A client launched only with what the sandbox hands the server: its web version, cache folder and flag. */
function sandboxClient(sandbox: SandboxPhone): WAClient {
  return new Client({
    webVersion: sandbox.launch.webVersion,
    webVersionCache: { type: 'local', path: sandbox.launch.webCacheDir },
    authStrategy: new LocalAuth({ clientId: 'default', dataPath: sandbox.authDir }),
    puppeteer: {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu', '--no-first-run', ...sandbox.launch.chromeArgs],
    },
  });
}

type PageGlobals = { document: { querySelector(selector: string): { textContent: string | null } | null } };

/** Waits until `selector`'s text contains `text`; on timeout says what the page showed there. */
async function waitForText(page: Page, selector: string, text: string, ms = 10_000): Promise<void> {
  try {
    // Runs in the page; the test program has no DOM types.
    const shows = (s: string, t: string) => (globalThis as unknown as PageGlobals).document.querySelector(s)?.textContent?.includes(t);
    await page.waitForFunction(shows, { timeout: ms }, selector, text);
  } catch {
    const seen = await page.$eval(selector, (el) => el.textContent).catch(() => '(no such element)');
    throw new Error(`timed out after ${ms} ms waiting for ${selector} to show ${JSON.stringify(text)}; it shows ${JSON.stringify(seen)}`);
  }
}

describe('sandbox phone', () => {
  let sandbox: SandboxPhone | undefined;
  let client: WAClient | undefined;

  afterEach(async () => {
    await client?.destroy();
    await sandbox?.close();
    client = sandbox = undefined;
  });

  it('links itself on a QR and delivers, lists and acks through its controls', async () => {
    sandbox = await SandboxPhone.start({ chats: 6, messagesPerChat: 3 });
    const controls = new SandboxControls(sandbox);
    client = sandboxClient(sandbox);
    const ready = next(client, 'ready');
    await client.initialize();
    await ready;
    await expect(controls.state()).resolves.toEqual({ ok: true, me: '15550000000', linked: true, qr_pending: false, chats: 6 });

    const chats = await client.getChats();
    expect(chats.map((c) => c.name).sort()).toEqual(
      ['Family', 'Ana Souza', 'Jonas Müller', 'Priya Sharma', 'Lucas Martin', 'Sofia Rossi'].sort(),
    );

    const heard = next<Message>(client, 'message');
    const { id } = await controls.incoming({ from: '4915123456789', body: 'Hallo aus der Sandbox' });
    const message = await heard;
    expect([message.id._serialized, message.from, message.body]).toEqual([id, '4915123456789@c.us', 'Hallo aus der Sandbox']);

    const sent = await client.sendMessage('4915123456789@c.us', 'Danke!');
    const { messages } = await controls.sent(10);
    expect(messages).toEqual([
      { id: sent.id._serialized, to: '4915123456789@c.us', body: 'Danke!', type: 'chat', timestamp: sent.timestamp },
    ]);
    const acks = record<[Message, number]>(client, 'message_ack');
    await controls.ack({ id: sent.id._serialized, ack: 'read' });
    const [[acked, level]] = await acks.until(1);
    expect([acked.id._serialized, level]).toEqual([sent.id._serialized, 3]);
  });

  it('waits for a scan after an unlink from its controls, as a real phone would', async () => {
    sandbox = await SandboxPhone.start({ chats: 2, messagesPerChat: 1 });
    const controls = new SandboxControls(sandbox);
    client = sandboxClient(sandbox);
    const ready = next(client, 'ready');
    await client.initialize();
    await ready;

    const loggedOut = next<string>(client, 'disconnected');
    const qrAgain = next<string>(client, 'qr');
    await controls.unlink();
    expect(await loggedOut).toBe('LOGOUT');
    await qrAgain;
    await expect(controls.state()).resolves.toMatchObject({ linked: false, qr_pending: true });

    const readyAgain = next(client, 'ready');
    await expect(controls.scan()).resolves.toEqual({ ok: true });
    await readyAgain;
    await expect(controls.state()).resolves.toMatchObject({ linked: true, qr_pending: false });
  });

  describe('the /sandbox page', () => {
    let app: NestExpressApplication | undefined;
    let browser: Browser | undefined;
    let shots: string;

    beforeEach(async () => {
      shots = await mkdtemp(path.join(os.tmpdir(), 'sandbox-page-'));
    });

    afterEach(async () => {
      await browser?.close();
      await app?.close();
      app = browser = undefined;
      await rm(shots, { recursive: true, force: true });
    });

    it('scans the QR, writes as a contact, shows what the server sent and marks it read', async () => {
      sandbox = await SandboxPhone.start({ chats: 4, messagesPerChat: 2, link: 'qr' });
      app = await createSandboxApp({}, sandbox);
      await app.listen(0, '127.0.0.1');
      const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
      client = sandboxClient(sandbox);
      const qr = next(client, 'qr');
      await client.initialize();
      await qr;

      browser = await puppeteer.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
      page.on('response', (r) => r.status() >= 400 && problems.push(`${r.status()} ${r.url()}`));
      page.on('pageerror', (e) => problems.push(String(e)));
      await page.goto(`${base}/sandbox`);
      expect(await page.$eval('#banner', (el) => el.textContent)).toBe('Sandbox: simulated WhatsApp, no real messages are sent');
      await waitForText(page, '#linked', 'waiting for a scan');

      const ready = next(client, 'ready');
      await page.click('[data-action="scan"]');
      await ready;
      await waitForText(page, '#linked', 'linked');

      const heard = next<Message>(client, 'message');
      await page.select('#contact', '15551000000');
      await page.type('#body', 'Olá do sandbox');
      await page.click('#write button[type="submit"]');
      const message = await heard;
      expect([message.from, message.body]).toEqual(['15551000000@c.us', 'Olá do sandbox']);
      await waitForText(page, '#write-note', 'The server received it');

      const sent = await client.sendMessage('15551000000@c.us', 'Resposta do servidor');
      await waitForText(page, '#sent-rows', 'Resposta do servidor');
      const acks = record<[Message, number]>(client, 'message_ack');
      const [read] = await page.$$('#sent-rows tr:first-child button:nth-of-type(2)');
      await read.click();
      const [[acked, level]] = await acks.until(1);
      expect([acked.id._serialized, level]).toEqual([sent.id._serialized, 3]);
      await waitForText(page, '#sent-note', 'Marked read.');
      await page.screenshot({ path: path.join(shots, 'sandbox.png') });
      expect(problems).toEqual([]);
    });
  });
});
