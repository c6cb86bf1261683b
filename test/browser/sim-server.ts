import { mkdtempSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { processesMentioning } from '../processes.js';
import { startServer, type ServerProcess } from '../server-process.js';
import { Phone, type PhoneOptions } from '../../src/sandbox/simulator/phone.js';

export { processesMentioning };

/*
 * The built server (`node dist/main.js`) pointed at the simulated WhatsApp Web through its ordinary
 * settings only: a pinned web version served from a local cache folder that the phone driver
 * writes, and one Chrome flag. Shared by the browser suite and `npm run bench`, so it uses no Jest
 * globals.
 */

export const SIM_VERSION = '2.3000.1031980585';

/**
 * No background traffic, every host name but loopback resolved to nothing (the simulated page is
 * served by request interception, so it needs no DNS), and the page allowed to reach the phone's
 * loopback control server (Chromium's Local Network Access checks would block it).
 */
export const SIM_CHROME_ARGS = [
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--host-resolver-rules="MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"',
  '--disable-features=LocalNetworkAccessChecks',
].join(' ');

export interface Sim {
  phone: Phone;
  cacheDir: string;
}

/** A phone (the simulated WhatsApp network) and the web-version cache folder that serves its page. */
export async function startSim(options: PhoneOptions = {}): Promise<Sim> {
  const phone = await Phone.start({ qrRotateMs: 0, ...options });
  const cacheDir = mkdtempSync(join(tmpdir(), 'wa-sim-cache-'));
  await phone.prepare(cacheDir, SIM_VERSION);
  return { phone, cacheDir };
}

export async function closeSim(sim: Sim): Promise<void> {
  await sim.phone.close();
  await rm(sim.cacheDir, { recursive: true, force: true });
}

export interface SimServer extends ServerProcess {
  authDir: string;
  /** `<authDir>/session-default`: the Chrome profile that holds the linked device. */
  sessionDir: string;
}

export function newAuthDir(): string {
  return mkdtempSync(join(tmpdir(), 'wa-browser-'));
}

/** Starts the built server on a free loopback port against `sim`; `authDir` is fresh unless given. */
export async function startSimServer(sim: Sim, env: Record<string, string> = {}, authDir = newAuthDir()): Promise<SimServer> {
  const server = await startServer(
    {
      WHATSAPP_MCP_HOST: '127.0.0.1',
      WHATSAPP_AUTH_DIR: authDir,
      WHATSAPP_TERMINAL_QR: 'false',
      WHATSAPP_HEADLESS: 'true',
      WHATSAPP_CHROME_EXECUTABLE: '/usr/bin/chromium',
      WHATSAPP_CHROME_ARGS: SIM_CHROME_ARGS,
      WHATSAPP_WEB_VERSION: SIM_VERSION,
      WHATSAPP_WEB_CACHE_DIR: sim.cacheDir,
      ...env,
    },
    ['node', 'dist/main.js'],
  );
  return Object.assign(server, { authDir, sessionDir: join(authDir, 'session-default') });
}

export interface Answer {
  status: number;
  body: any;
}

/** One JSON request to the server. */
export async function api(base: string, method: string, path: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`${base}${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
}

/**
 * Polls GET /api/status until `accept` holds, for at most `timeoutMs`. The server is another
 * process: its state changes reach us only through this route.
 */
export async function waitForStatus(base: string, accept: (status: any) => boolean, what: string, timeoutMs = 30_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await api(base, 'GET', '/api/status');
    if (accept(body)) return body;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last status: ${JSON.stringify(body)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export const waitForState = (base: string, state: string, timeoutMs?: number) =>
  waitForStatus(base, (status) => status.state === state, `state ${state}`, timeoutMs);

/** Starts auth, scans the QR with the phone, and waits for `ready`. */
export async function pairByQr(server: SimServer, sim: Sim): Promise<void> {
  const started = await api(server.url, 'POST', '/api/auth/start');
  if (started.body.state !== 'qr') throw new Error(`expected a QR, got ${JSON.stringify(started.body)}`);
  await sim.phone.scanQr();
  await waitForState(server.url, 'ready');
}

/** An MCP client connected over Streamable HTTP to the server's `/mcp`. */
export async function connectMcp(base: string): Promise<Client> {
  const client = new Client({ name: 'browser-e2e', version: '0.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`)));
  return client;
}

/** Calls a tool; returns the result and the JSON an agent reads from `content[0].text`. */
export async function callTool(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<{ result: CallToolResult; json: any }> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  const first = result.content[0];
  if (first?.type !== 'text') throw new Error(`content[0] is not text: ${JSON.stringify(result.content)}`);
  return { result, json: JSON.parse(first.text) };
}

/** The Chrome browser process (not a renderer, GPU, zygote or utility helper) using `authDir`. */
export function browserProcess(authDir: string): number | null {
  const browsers = processesMentioning(authDir).filter((pid) => {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      return !argv.some((arg) => arg.startsWith('--type=')) && !argv[0].includes('crashpad');
    } catch {
      return false;
    }
  });
  return browsers.length === 1 ? browsers[0] : null;
}

/** Resident memory of a process in KiB (VmRSS), 0 when it has gone. */
export function rssKiB(pid: number): number {
  try {
    const match = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/**
 * Proportional set size of a process in KiB (Pss): shared pages split among the processes that
 * share them, so a sum over Chrome's processes does not count its shared libraries ten times.
 */
export function pssKiB(pid: number): number {
  try {
    const match = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8').match(/^Pss:\s+(\d+) kB/m);
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}
