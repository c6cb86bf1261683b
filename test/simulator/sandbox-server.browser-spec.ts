/**
 * `npm run sandbox` as a user starts it (the built server in its own process, the sandbox in it),
 * driven from outside only: REST, MCP and the /sandbox page in a real Chromium (issue 11).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { jest } from '@jest/globals';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import puppeteer, { type Page } from 'puppeteer';
import { textJson } from '../mcp-harness.js';
import { processesMentioning, waitForNoProcesses } from '../processes.js';
import { type ServerProcess, startServer } from '../server-process.js';
import { tempDir } from '../temp-dirs.js';

jest.setTimeout(120_000);

const KEY = 'sandbox-process-key-0123456789';
/** The bound for a start to `ready` on this machine. */
const READY_WITHIN_MS = 15_000;

let server: ServerProcess;
let startedAt: number;
let readyAfterMs: number;
let authDir: string;

async function api(method: string, route: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${server.url}${route}`, {
    method,
    headers: { 'X-Api-Key': KEY, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

/** Reads `route` until `found` holds; no event to await from outside the process, so it looks every 100 ms. */
async function readUntil(route: string, found: (body: any) => boolean, what: string, ms = 10_000): Promise<any> {
  const deadline = Date.now() + ms;
  for (;;) {
    const { status, body } = await api('GET', route);
    if (status === 200 && found(body)) return body;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${ms} ms waiting for ${what} at ${route}; last answer ${status} ${JSON.stringify(body)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function mcpClient(): Promise<Client> {
  const client = new Client({ name: 'sandbox-test', version: '0.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), { requestInit: { headers: { 'X-Api-Key': KEY } } });
  await client.connect(transport);
  return client;
}

/** Waits until `selector`'s text contains `text`; on timeout says what the page showed there. */
async function waitForText(page: Page, selector: string, text: string, ms = 10_000): Promise<void> {
  type PageGlobals = { document: { querySelector(s: string): { textContent: string | null } | null } };
  try {
    const shows = (s: string, t: string) => (globalThis as unknown as PageGlobals).document.querySelector(s)?.textContent?.includes(t);
    await page.waitForFunction(shows, { timeout: ms }, selector, text);
  } catch {
    const seen = await page.$eval(selector, (el) => el.textContent).catch(() => '(no such element)');
    throw new Error(`timed out after ${ms} ms waiting for ${selector} to show ${JSON.stringify(text)}; it shows ${JSON.stringify(seen)}`);
  }
}

beforeAll(async () => {
  startedAt = Date.now();
  // The README's command; the build was done by the browser suite's pretest (--ignore-scripts skips presandbox).
  server = await startServer({ WHATSAPP_API_KEY: KEY, WHATSAPP_CHROME_EXECUTABLE: '/usr/bin/chromium' }, [
    'npm',
    'run',
    'sandbox',
    '--silent',
    '--ignore-scripts',
  ]);
  await server.waitForOutput(/state \w+ -> ready/, READY_WITHIN_MS);
  readyAfterMs = Date.now() - startedAt;
  process.stderr.write(`sandbox: ready ${readyAfterMs} ms after the process started\n`);
});

afterAll(async () => {
  await server?.stop('SIGINT');
});

describe('npm run sandbox', () => {
  it(`reaches ready by itself within ${READY_WITHIN_MS / 1000} s, saying sandbox in its status and on every log line`, async () => {
    expect(readyAfterMs).toBeLessThan(READY_WITHIN_MS);
    const status = await api('GET', '/api/status');
    expect(status).toMatchObject({
      status: 200,
      body: { state: 'ready', ready: true, sandbox: true, account: { wid: '15550000000@c.us' } },
    });
    authDir = status.body.auth_dir as string;
    expect(authDir).toMatch(/whatsapp-sandbox-[^/]+\/auth$/);
    expect(processesMentioning(authDir).length).toBeGreaterThan(0);
    const lines = server
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'));
    expect(lines.length).toBeGreaterThan(3);
    expect(lines.filter((line) => (JSON.parse(line) as { sandbox?: boolean }).sandbox !== true)).toEqual([]);
  });

  it('lists its 25 sample chats over REST and MCP', async () => {
    const rest = await api('GET', '/api/chats?limit=100');
    expect(rest.status).toBe(200);
    expect(rest.body.count).toBe(25);
    expect(rest.body.chats.map((c: { name: string }) => c.name)).toEqual(expect.arrayContaining(['Family']));
    const client = await mcpClient();
    try {
      const listed = textJson(await client.callTool({ name: 'whatsapp_list_chats', arguments: { limit: 100 } })) as { count: number };
      expect(listed.count).toBe(25);
    } finally {
      await client.close();
    }
  });

  it('a message sent over MCP shows in /api/sandbox/sent; one written through /api/sandbox/incoming reads back over REST and MCP', async () => {
    const client = await mcpClient();
    try {
      const sent = textJson(
        await client.callTool({
          name: 'whatsapp_send_message',
          arguments: { phone_number: '+49 151 0000 1234', message: 'Hello from MCP' },
        }),
      ) as { ok: boolean; message_id: string };
      expect(sent).toMatchObject({ ok: true, to: '4915100001234', chat_id: '4915100001234@c.us' });
      const network = await api('GET', '/api/sandbox/sent?limit=5');
      expect(network.status).toBe(200);
      expect(network.body.messages.at(-1)).toEqual({
        id: sent.message_id,
        to: '4915100001234@c.us',
        type: 'chat',
        body: 'Hello from MCP',
        timestamp: expect.any(Number),
      });

      const incoming = await api('POST', '/api/sandbox/incoming', { from: '+49 151 0000 1234', body: 'Hallo zurück' });
      expect(incoming).toEqual({ status: 200, body: { ok: true, id: expect.stringMatching(/^false_4915100001234@c\.us_/) } });
      const rest = await readUntil(
        '/api/messages?phone_number=4915100001234&limit=10',
        (body) => body.messages.some((m: { id: string }) => m.id === incoming.body.id),
        'the incoming message',
      );
      expect(rest.messages.find((m: { id: string }) => m.id === incoming.body.id)).toMatchObject({ body: 'Hallo zurück', from_me: false });
      const read = textJson(
        await client.callTool({ name: 'whatsapp_read_messages', arguments: { phone_number: '4915100001234', limit: 10 } }),
      ) as { messages: { id: string; body: string }[] };
      expect(read.messages.map((m) => m.body)).toEqual(expect.arrayContaining(['Hello from MCP', 'Hallo zurück']));
    } finally {
      await client.close();
    }
  });

  it('the /sandbox page in a browser: key form, then a message written as a contact reaches the server', async () => {
    const shots = tempDir('wa-sandbox-shots-');
    const browser = await puppeteer.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu'],
    });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
      page.on('pageerror', (e) => problems.push(String(e)));
      const form = await page.goto(`${server.url}/sandbox`);
      expect(form?.status()).toBe(401);
      await page.type('#key', KEY);
      await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
      expect(await page.$eval('#banner', (el) => el.textContent)).toBe('Sandbox: simulated WhatsApp, no real messages are sent');
      await waitForText(page, '#linked', 'linked');
      await waitForText(page, '#sent-rows', 'Hello from MCP');

      const contact = await page.$eval('#contact option', (el) => (el as unknown as { value: string }).value);
      await page.select('#contact', contact);
      await page.type('#body', 'Written on the sandbox page');
      await page.click('#write button[type="submit"]');
      await waitForText(page, '#write-note', 'The server received it');
      const rest = await readUntil(
        `/api/messages?phone_number=${contact}&limit=20`,
        (body) => body.messages.some((m: { body: string }) => m.body === 'Written on the sandbox page'),
        'the message written on the page',
      );
      expect(rest.messages.at(-1)).toMatchObject({ body: 'Written on the sandbox page', from_me: false, from: `${contact}@c.us` });
      const shot = path.join(shots, 'sandbox-page.png');
      await page.screenshot({ path: shot });
      expect(existsSync(shot)).toBe(true);
      expect(problems.filter((p) => !p.includes('401'))).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('stops on SIGINT leaving no Chrome and no sandbox folder behind', async () => {
    const exit = await server.stop('SIGINT');
    expect(exit.code === 0 || exit.signal === 'SIGINT').toBe(true);
    await expect(waitForNoProcesses(authDir)).resolves.toEqual([]);
    expect(existsSync(path.dirname(authDir))).toBe(false);
  });
});
