/**
 * `npm run bench`: first the idle server and MCP session churn (bench-server.ts, BENCH_MCP_SESSIONS,
 * default 2000), the event pipeline (bench-events.ts; BENCH_EVENTS=none skips it; BENCH_SIZES=none
 * skips the rest), then latency and memory of the built server against
 * the simulated WhatsApp Web (src/sandbox/simulator/), at several account sizes. Prints one JSON object per line; results and the
 * machine they came from are kept in docs/benchmarks.md.
 *
 * Environment: BENCH_SIZES (default `100,1000,10000` chats), BENCH_ITERATIONS (default 50 timed
 * requests per measurement), BENCH_BUDGET_MS (default 60000: a measurement stops early once it has
 * taken this long, with at least 5 samples). Loopback only; everything it starts it stops.
 */
import { performance } from 'node:perf_hooks';
import { rm } from 'node:fs/promises';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  api,
  callTool,
  closeSim,
  connectMcp,
  pairByQr,
  processesMentioning,
  pssKiB,
  rssKiB,
  type Sim,
  type SimServer,
  startSim,
  startSimServer,
} from '../test/browser/sim-server.js';
import { benchEvents } from './bench-events.js';
import { benchServer } from './bench-server.js';

const SIZES = process.env.BENCH_SIZES === 'none' ? [] : (process.env.BENCH_SIZES ?? '100,1000,10000').split(',').map(Number);
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 50);
const BUDGET_MS = Number(process.env.BENCH_BUDGET_MS ?? 60_000);
const WARMUP = 3;
const MESSAGES_PER_CHAT = 50;
const CHATS_LIMIT = 20;
const MESSAGES_LIMIT = 50;

const print = (line: Record<string, unknown>): void => void process.stdout.write(`${JSON.stringify(line)}\n`);
const round = (ms: number): number => Math.round(ms * 100) / 100;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Times `call` (after a warm-up) and prints median and p95; `check` rejects a wrong answer. */
async function measure(name: string, chats: number, limit: number | null, call: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < WARMUP; i++) await call();
  const samples: number[] = [];
  const started = performance.now();
  while (samples.length < ITERATIONS && (samples.length < 5 || performance.now() - started < BUDGET_MS)) {
    const t0 = performance.now();
    await call();
    samples.push(performance.now() - t0);
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const median = percentile(sorted, 50);
  print({
    name,
    chats,
    limit,
    samples: samples.length,
    median_ms: round(median),
    p95_ms: round(percentile(sorted, 95)),
    max_ms: round(sorted.at(-1)!),
  });
  return median;
}

function expectOk(what: string, ok: boolean, answer: unknown): void {
  if (!ok) throw new Error(`${what} failed: ${JSON.stringify(answer).slice(0, 500)}`);
}

async function benchSize(sim: Sim, server: SimServer, mcp: Client, chats: number): Promise<void> {
  const seedStarted = performance.now();
  const seeded = await sim.phone.seed({ chats, messagesPerChat: MESSAGES_PER_CHAT, groups: Math.floor(chats / 100) });
  print({ name: 'seed', chats, messages_per_chat: MESSAGES_PER_CHAT, ms: Math.round(performance.now() - seedStarted) });
  // A one-to-one chat in the middle of the list: reading it depends on where it is as little as possible.
  const contact = seeded.slice(Math.floor(chats / 2)).find((chat) => !chat.isGroup)!;
  const phoneNumber = contact.id.split('@')[0];

  const restStatus = await measure('rest_status', chats, null, async () => {
    const answer = await api(server.url, 'GET', '/api/status');
    expectOk('GET /api/status', answer.status === 200, answer);
  });
  const mcpStatus = await measure('mcp_status', chats, null, async () => {
    const { result, json } = await callTool(mcp, 'whatsapp_status');
    expectOk('whatsapp_status', !result.isError, json);
  });
  const restChats = await measure('rest_list_chats', chats, CHATS_LIMIT, async () => {
    const answer = await api(server.url, 'GET', `/api/chats?limit=${CHATS_LIMIT}`);
    expectOk('GET /api/chats', answer.status === 200 && answer.body.chats[0]?.id === seeded[0].id, answer);
  });
  const mcpChats = await measure('mcp_list_chats', chats, CHATS_LIMIT, async () => {
    const { json } = await callTool(mcp, 'whatsapp_list_chats', { limit: CHATS_LIMIT });
    expectOk('whatsapp_list_chats', json.count === CHATS_LIMIT, json);
  });
  const restMessages = await measure('rest_read_messages', chats, MESSAGES_LIMIT, async () => {
    const answer = await api(server.url, 'GET', `/api/messages?phone_number=${phoneNumber}&limit=${MESSAGES_LIMIT}`);
    expectOk('GET /api/messages', answer.status === 200 && answer.body.count === MESSAGES_LIMIT, answer);
  });
  const mcpMessages = await measure('mcp_read_messages', chats, MESSAGES_LIMIT, async () => {
    const { json } = await callTool(mcp, 'whatsapp_read_messages', { phone_number: phoneNumber, limit: MESSAGES_LIMIT });
    expectOk('whatsapp_read_messages', json.count === MESSAGES_LIMIT, json);
  });
  // The gateway's own share of a request: answering the status takes no WhatsApp work at all.
  print({
    name: 'gateway_overhead',
    chats,
    rest_status_median_ms: round(restStatus),
    mcp_status_median_ms: round(mcpStatus),
    rest_list_chats_share: round(restStatus / restChats),
    mcp_list_chats_share: round(mcpStatus / mcpChats),
    rest_read_messages_share: round(restStatus / restMessages),
    mcp_read_messages_share: round(mcpStatus / mcpMessages),
  });
  const chrome = processesMentioning(server.authDir);
  print({
    name: 'memory',
    chats,
    node_rss_mib: round(rssKiB(server.child.pid!) / 1024),
    chrome_rss_mib: round(chrome.reduce((sum, pid) => sum + rssKiB(pid), 0) / 1024),
    chrome_pss_mib: round(chrome.reduce((sum, pid) => sum + pssKiB(pid), 0) / 1024),
    chrome_processes: chrome.length,
  });
}

async function main(): Promise<void> {
  await benchServer(print);
  await benchEvents(print);
  if (SIZES.length === 0) return;
  // Seeding 10,000 chats makes the page re-sync them all: allow the phone more than its default wait.
  const sim = await startSim({ timeoutMs: 600_000 });
  let server: SimServer | null = null;
  let mcp: Client | null = null;
  try {
    server = await startSimServer(sim);
    await pairByQr(server, sim);
    mcp = await connectMcp(server.url);
    await mcp.listTools();
    for (const chats of SIZES) await benchSize(sim, server, mcp, chats);
  } finally {
    await mcp?.close();
    if (server) {
      await server.stop('SIGTERM');
      await rm(server.authDir, { recursive: true, force: true });
    }
    await closeSim(sim);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
