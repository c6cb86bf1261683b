/**
 * `npm run bench` (or `node --import ./scripts/register-ts.mjs scripts/bench-events.ts`): the event
 * pipeline. `event_latency`: the built server against the simulated WhatsApp Web, one incoming
 * message at a time, from asking the phone to deliver it to the webhook receiver's request.
 * `event_throughput`: the real app in this process with the fake port, incoming messages emitted by
 * the port at BENCH_EVENTS_RATE per second (default 2000) for BENCH_EVENTS_SECONDS (default 60):
 * each stored, signed and POSTed to one loopback receiver, and streamed to one SSE client (both in a process of their
 * own); every event id is counted at both ends (lost, duplicated, lag after the last one), and the CPU spent per event.
 * BENCH_EVENTS_STORE=off leaves the message store out. BENCH_EVENTS=none skips.
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
 * The throughput run's far ends, in a process of their own so that their HTTP parsing does not
 * share the server's thread (as a real receiver and a real SSE client would not): a webhook
 * receiver answering 204 and an SSE client, each counting event ids. Asked, it reports
 * `{ webhook, sse, cpuMs }`, each end as `{ distinct, duplicates, lastAt }`.
 */
const CHILD_ENDS = `
const http = require('node:http');
const end = () => ({ seen: new Map(), lastAt: 0 });
const webhook = end();
const sse = end();
const count = (at, id) => { at.seen.set(id, (at.seen.get(id) ?? 0) + 1); at.lastAt = Date.now(); };
const report = (at) => ({ distinct: at.seen.size, duplicates: [...at.seen.values()].filter((n) => n > 1).length, lastAt: at.lastAt });
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(204).end();
    count(webhook, String(req.headers['webhook-id']));
  });
});
function openStream(url) {
  http.get(url, { headers: { accept: 'text/event-stream' } }, (res) => {
    if (res.statusCode !== 200) return process.send({ error: 'SSE answered ' + res.statusCode });
    res.setEncoding('utf8');
    let buffer = '';
    res.on('data', (chunk) => {
      buffer += chunk;
      let at;
      while ((at = buffer.indexOf('\\n\\n')) >= 0) {
        const id = /^id: (.*)$/m.exec(buffer.slice(0, at));
        if (id) count(sse, id[1]);
        buffer = buffer.slice(at + 2);
      }
    });
    process.send({ open: true });
  }).on('error', (error) => process.send({ error: String(error) }));
}
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('message', (message) => {
  if (message.sse) return openStream(message.sse);
  const cpu = process.cpuUsage();
  process.send({ webhook: report(webhook), sse: report(sse), cpuMs: Math.round((cpu.user + cpu.system) / 1000) });
});
`;

interface EndCounts {
  distinct: number;
  duplicates: number;
  lastAt: number;
}

interface ChildCounts {
  webhook: EndCounts;
  sse: EndCounts;
  cpuMs: number;
}

async function childEnds() {
  const child = spawn(process.execPath, ['-e', CHILD_ENDS], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [{ port }] = (await once(child, 'message')) as [{ port: number }];
  return {
    url: `http://127.0.0.1:${port}/hook`,
    async openStream(url: string): Promise<void> {
      child.send({ sse: url });
      const [answer] = (await once(child, 'message')) as [{ open?: true; error?: string }];
      if (!answer.open) throw new Error(`the SSE client could not open ${url}: ${answer.error}`);
    },
    async counts(): Promise<ChildCounts> {
      child.send('report');
      const [counts] = (await once(child, 'message')) as [ChildCounts];
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

  const ends = await childEnds();
  const zero = { distinct: 0, duplicates: 0, lastAt: 0 };
  let counts: ChildCounts = { webhook: zero, sse: zero, cpuMs: 0 };
  try {
    const started = await api(base, 'POST', '/api/auth/start');
    if (started.status !== 200) throw new Error(`auth/start: ${JSON.stringify(started.body)}`);
    fake.current.scan();
    await reachState(app.get(WhatsAppService).session(), 'ready', 5000);
    const hook = await api(base, 'POST', '/api/webhooks', { url: ends.url, events: ['message.received'] });
    if (hook.status !== 201) throw new Error(`POST /api/webhooks failed: ${JSON.stringify(hook.body)}`);
    await ends.openStream(`${base}/api/events/stream?types=message.received`);

    const total = RATE * SECONDS;
    const perTick = (RATE * TICK_MS) / 1000;
    const load0 = loadavg()[0];
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const wall0 = Date.now();
    let emitted = 0;
    while (emitted < total) {
      const due = Math.min(total, Math.floor(((performance.now() - t0) / TICK_MS + 1) * perTick));
      for (; emitted < due; emitted++) fake.current.emit('message', chatMessage(emitted, { id: `false_bench_${emitted}` }));
      await new Promise((resolve) => setTimeout(resolve, TICK_MS));
    }
    const injectedMs = performance.now() - t0;
    const seen = () => `webhook ${counts.webhook.distinct}, SSE ${counts.sse.distinct} of ${total}`;
    const allArrived = async (): Promise<boolean> => {
      counts = await ends.counts();
      return counts.webhook.distinct >= total && counts.sse.distinct >= total;
    };
    await until('every event at the webhook and on SSE', allArrived, 600_000, seen);
    const cpu = process.cpuUsage(cpu0);
    // Late repeats would still count: look again after a moment.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    counts = await ends.counts();
    const doneMs = counts.webhook.lastAt - wall0;
    const stored = (await api(base, 'GET', '/metrics')).body as string;
    const outcomes = (outcome: string) =>
      Number(new RegExp(`^webhook_deliveries_total\\{outcome="${outcome}"\\} (\\d+)`, 'm').exec(stored)?.[1] ?? 0);
    print({
      name: 'event_throughput',
      message_store: config.store,
      target_per_s: RATE,
      seconds: SECONDS,
      events: total,
      injected_per_s: Math.round(total / (injectedMs / 1000)),
      delivered_per_s: Math.round(total / (doneMs / 1000)),
      drain_after_last_ms: Math.round(doneMs - injectedMs),
      webhook_lost: total - counts.webhook.distinct,
      webhook_duplicates: counts.webhook.duplicates,
      webhook_failed_attempts: outcomes('retry') + outcomes('failed'),
      sse_lost: total - counts.sse.distinct,
      sse_duplicates: counts.sse.duplicates,
      sse_done_after_last_ms: Math.round(counts.sse.lastAt - wall0 - injectedMs),
      events_total_metric: Number(/^events_total\{type="message.received"\} (\d+)/m.exec(stored)?.[1] ?? NaN),
      // CPU per event: the figure that other work on the machine disturbs least.
      server_cpu_us_per_event: Math.round(((cpu.user + cpu.system) / total) * 10) / 10,
      ends_cpu_us_per_event: Math.round(((counts.cpuMs * 1000) / total) * 10) / 10,
      cpus: cpus().length,
      load_1m_before: round(load0),
      load_1m_after: round(loadavg()[0]),
    });
  } finally {
    await app.close();
    await ends.close();
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
