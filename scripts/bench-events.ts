/**
 * `npm run bench` (or `node --import ./scripts/register-ts.mjs scripts/bench-events.ts`): the event
 * pipeline. `event_latency`: the built server against the simulated WhatsApp Web, one incoming
 * message at a time, from asking the phone to deliver it to the webhook receiver's request.
 * `event_throughput`: the real app in this process with the fake port, incoming messages emitted by
 * the port at BENCH_EVENTS_RATE per second (default 2000) for BENCH_EVENTS_SECONDS (default 60):
 * each stored, signed and POSTed to one loopback receiver (a process of its own), and streamed to one SSE client; every
 * event id is counted at both ends (lost, duplicated, lag after the last one). BENCH_EVENTS=none skips.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Test } from '@nestjs/testing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from '../src/app.module.js';
import { APP_OPTIONS, configureApp } from '../src/app.setup.js';
import { AppConfig, loadAppConfig } from '../src/config/app-config.js';
import { WhatsAppClientFactory } from '../src/whatsapp/whatsapp-client.port.js';
import { WhatsAppService } from '../src/whatsapp/whatsapp.service.js';
import { chatMessage } from '../test/event-bus.js';
import { FakeWhatsApp, reachState } from '../test/fake-whatsapp.js';
import { SseClient } from '../test/sse-client.js';
import { api, closeSim, pairByQr, startSim, startSimServer } from '../test/browser/sim-server.js';

type Print = (line: Record<string, unknown>) => void;

const LATENCY_MESSAGES = Number(process.env.BENCH_EVENTS_LATENCY ?? 200);
const RATE = Number(process.env.BENCH_EVENTS_RATE ?? 2000);
const SECONDS = Number(process.env.BENCH_EVENTS_SECONDS ?? 60);
const TICK_MS = 10;

const round = (ms: number): number => Math.round(ms * 100) / 100;
const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

/** A loopback receiver that answers 204 and tells `onHit` the envelope's id and body. */
async function countingReceiver(onHit: (eventId: string, body: string) => void) {
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      res.writeHead(204).end();
      onHit(String(req.headers['webhook-id']), body);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * The throughput run's receiver, in a process of its own so that its HTTP parsing does not share
 * the server's thread: it counts `webhook-id`s and reports `{ distinct, duplicates, lastAt }` on request.
 */
const CHILD_RECEIVER = `
const http = require('node:http');
const seen = new Map();
let lastAt = 0;
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(204).end();
    const id = String(req.headers['webhook-id']);
    seen.set(id, (seen.get(id) ?? 0) + 1);
    lastAt = Date.now();
  });
});
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('message', () => process.send({ distinct: seen.size, duplicates: [...seen.values()].filter((n) => n > 1).length, lastAt }));
`;

interface ReceiverCounts {
  distinct: number;
  duplicates: number;
  lastAt: number;
}

async function childReceiver() {
  const child = spawn(process.execPath, ['-e', CHILD_RECEIVER], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [{ port }] = (await once(child, 'message')) as [{ port: number }];
  return {
    url: `http://127.0.0.1:${port}/hook`,
    async counts(): Promise<ReceiverCounts> {
      child.send('report');
      const [counts] = (await once(child, 'message')) as [ReceiverCounts];
      return counts;
    },
    async close(): Promise<void> {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Waits for `done()` (async: the counts live in other processes), looking every 50 ms; throws after `ms` naming `what`. */
async function until(what: string, done: () => Promise<boolean>, ms: number, seen: () => string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}; ${seen()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function latency(print: Print): Promise<void> {
  const waiting = new Map<string, (at: number) => void>();
  const receiver = await countingReceiver((_id, body) => {
    const envelope = JSON.parse(body) as { type: string; data: { body?: string } };
    if (envelope.type === 'message.received') waiting.get(envelope.data.body ?? '')?.(performance.now());
  });
  const sim = await startSim();
  const server = await startSimServer(sim);
  try {
    const hook = await api(server.url, 'POST', '/api/webhooks', { url: receiver.url, events: ['message.received'] });
    if (hook.status !== 201) throw new Error(`POST /api/webhooks failed: ${JSON.stringify(hook.body)}`);
    await pairByQr(server, sim);
    const samples: number[] = [];
    for (let n = 0; n < LATENCY_MESSAGES + 5; n++) {
      const body = `latency probe ${n}`;
      const arrived = new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no webhook request for "${body}" within 10 s`)), 10_000);
        waiting.set(body, (at) => (clearTimeout(timer), resolve(at)));
      });
      const t0 = performance.now();
      await sim.phone.deliverIncoming({ from: '15551234567@c.us', body });
      const t1 = await arrived;
      waiting.delete(body);
      if (n >= 5) samples.push(t1 - t0);
    }
    const sorted = samples.sort((a, b) => a - b);
    print({
      name: 'event_latency',
      samples: sorted.length,
      median_ms: round(percentile(sorted, 50)),
      p95_ms: round(percentile(sorted, 95)),
      max_ms: round(sorted.at(-1)!),
    });
  } finally {
    await server.stop('SIGTERM');
    rmSync(server.authDir, { recursive: true, force: true });
    await closeSim(sim);
    await receiver.close();
  }
}

async function throughput(print: Print): Promise<void> {
  const dirs = [mkdtempSync(join(tmpdir(), 'bench-auth-')), mkdtempSync(join(tmpdir(), 'bench-data-'))];
  const config = loadAppConfig({
    WHATSAPP_AUTH_DIR: dirs[0],
    WHATSAPP_DATA_DIR: dirs[1],
    WHATSAPP_CHROME_EXECUTABLE: process.execPath,
    WHATSAPP_TERMINAL_QR: 'false',
    WHATSAPP_STORE: process.env.BENCH_EVENTS_STORE ?? 'sqlite',
    LOG_LEVEL: 'warn',
  });
  const fake = new FakeWhatsApp();
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
    .overrideProvider(AppConfig)
    .useValue(config)
    .overrideProvider(WhatsAppClientFactory)
    .useValue(fake)
    .compile();
  moduleRef.useLogger(['warn', 'error']);
  const app = configureApp(moduleRef.createNestApplication<NestExpressApplication>(APP_OPTIONS));
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;

  const receiver = await childReceiver();
  let counts: ReceiverCounts = { distinct: 0, duplicates: 0, lastAt: 0 };
  let stream: SseClient | null = null;
  try {
    const started = await api(base, 'POST', '/api/auth/start');
    if (started.status !== 200) throw new Error(`auth/start: ${JSON.stringify(started.body)}`);
    fake.current.scan();
    await reachState(app.get(WhatsAppService).session(), 'ready', 5000);
    const hook = await api(base, 'POST', '/api/webhooks', { url: receiver.url, events: ['message.received'] });
    if (hook.status !== 201) throw new Error(`POST /api/webhooks failed: ${JSON.stringify(hook.body)}`);
    stream = await SseClient.open(`${base}/api/events/stream?types=message.received`);

    const total = RATE * SECONDS;
    const perTick = (RATE * TICK_MS) / 1000;
    const t0 = performance.now();
    const wall0 = Date.now();
    let emitted = 0;
    while (emitted < total) {
      const due = Math.min(total, Math.floor(((performance.now() - t0) / TICK_MS + 1) * perTick));
      for (; emitted < due; emitted++) fake.current.emit('message', chatMessage(emitted, { id: `false_bench_${emitted}` }));
      await new Promise((resolve) => setTimeout(resolve, TICK_MS));
    }
    const injectedMs = performance.now() - t0;
    const sse = stream;
    let sseDoneMs = 0;
    const seen = () => `webhook ${counts.distinct}, SSE ${sse.events.length} of ${total}`;
    const allArrived = async (): Promise<boolean> => {
      if (!sseDoneMs && sse.events.length >= total) sseDoneMs = performance.now() - t0;
      counts = await receiver.counts();
      return counts.distinct >= total && sse.events.length >= total;
    };
    await until('every event at the webhook and on SSE', allArrived, 600_000, seen);
    const doneMs = counts.lastAt - wall0;
    const stored = (await api(base, 'GET', '/metrics')).body as string;
    const sseIds = new Set(sse.events.map((f) => f.id));
    print({
      name: 'event_throughput',
      target_per_s: RATE,
      seconds: SECONDS,
      events: total,
      injected_per_s: Math.round(total / (injectedMs / 1000)),
      delivered_per_s: Math.round(total / (doneMs / 1000)),
      drain_after_last_ms: Math.round(doneMs - injectedMs),
      webhook_distinct: counts.distinct,
      webhook_duplicates: counts.duplicates,
      sse_events: sse.events.length,
      sse_done_after_last_ms: Math.round(sseDoneMs - injectedMs),
      sse_distinct: sseIds.size,
      events_total_metric: Number(/^events_total\{type="message.received"\} (\d+)/m.exec(stored)?.[1] ?? NaN),
      cpus: cpus().length,
      load_1m: round(loadavg()[0]),
    });
  } finally {
    stream?.close();
    await app.close();
    await receiver.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchEvents(print: Print): Promise<void> {
  if (process.env.BENCH_EVENTS === 'none') return;
  if (process.env.BENCH_EVENTS !== 'throughput') await latency(print);
  if (process.env.BENCH_EVENTS !== 'latency') await throughput(print);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  benchEvents((line) => void process.stdout.write(`${JSON.stringify(line)}\n`)).catch((error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}
