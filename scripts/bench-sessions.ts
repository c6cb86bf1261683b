/**
 * `npm run bench:sessions` (issue 15): the cost per account. One built server, up to five sessions,
 * each linked to its own simulated phone (`WHATSAPP_WEB_CACHE_DIR=<base>/{session}`, as in
 * test/browser/sessions.browser-spec.ts). Prints one JSON line per measurement:
 *
 * - `sessions_memory` for 1, 3 and 5 sessions paired and ready: the server's RSS and each session's
 *   Chrome PSS (summed over the processes of its Chrome), after letting them settle;
 * - `sessions_list_chats`: GET /api/sessions/{name}/chats?limit=20, one loop alone, then one loop per
 *   session at once for BENCH_SESSIONS_BUSY_MS (10 s);
 * - `sessions_restart`: SIGTERM, then the same auth and data folders started again, until every
 *   session is `ready` (WHATSAPP_START_CONCURRENCY=2), once per Chrome flag set, each followed by its
 *   `sessions_memory` with 5 sessions and a list_chats check on every session;
 * - `sessions_capacity`: how many accounts 24 GiB would hold, from those figures.
 *
 * Loopback only. Every server, Chrome, phone and temp folder it started is stopped or removed, also
 * when a step fails or the run is interrupted.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Phone } from '../src/sandbox/simulator/phone.js';
import { readProcStat } from '../src/common/proc-stat.js';
import { waitForNoProcesses } from '../test/processes.js';
import {
  api,
  browserProcess,
  newAuthDir,
  processesMentioning,
  pssKiB,
  rssKiB,
  SIM_CHROME_ARGS,
  SIM_VERSION,
  type SimServer,
  startSimServer,
} from '../test/browser/sim-server.js';

const NAMES = ['default', 's2', 's3', 's4', 's5'];
const STEPS = [1, 3, 5];
const CHATS = 50;
const LIMIT = 20;
const SETTLE_MS = Number(process.env.BENCH_SESSIONS_SETTLE_MS ?? 5_000);
const BUSY_MS = Number(process.env.BENCH_SESSIONS_BUSY_MS ?? 10_000);
const READY_TIMEOUT_MS = 120_000;
/** Flags that cut Chrome's process count or heap; each set is added to the simulator's own flags. */
const FLAG_SETS: Record<string, string[]> = {
  baseline: [],
  fewer_processes: ['--renderer-process-limit=1', '--process-per-site', '--disable-site-isolation-trials'],
  fewer_processes_small_heap: [
    '--renderer-process-limit=1',
    '--process-per-site',
    '--disable-site-isolation-trials',
    '--js-flags=--max-old-space-size=256',
  ],
  // The GPU service inside the browser process and no zygote: two processes fewer (the zygote needs the sandbox, which root runs without).
  fewest_processes: [
    '--renderer-process-limit=1',
    '--process-per-site',
    '--disable-site-isolation-trials',
    '--in-process-gpu',
    '--no-zygote',
  ],
};

const print = (line: Record<string, unknown>): void => void process.stdout.write(`${JSON.stringify(line)}\n`);
const MiB = (kib: number): number => Math.round((kib / 1024) * 10) / 10;
const round = (ms: number): number => Math.round(ms * 10) / 10;
const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

const cacheBase = mkdtempSync(join(tmpdir(), 'wa-bsess-cache-'));
const dataDir = mkdtempSync(join(tmpdir(), 'wa-bsess-data-'));
const authDir = newAuthDir();
const phones = new Map<string, Phone>();
let server: SimServer | null = null;

const route = (name: string, rest: string): string => `/api/sessions/${name}/${rest}`;
const profileOf = (name: string): string => join(authDir, `session-${name}`);

async function startWith(flags: string[]): Promise<SimServer> {
  return startSimServer(
    { phone: phones.get('default')!, cacheDir: join(cacheBase, '{session}') },
    {
      WHATSAPP_DATA_DIR: dataDir,
      WHATSAPP_START_CONCURRENCY: '2',
      WHATSAPP_CHROME_ARGS: [SIM_CHROME_ARGS, ...flags].join(' '),
    },
    authDir,
  );
}

/** SIGTERM; a server that has not exited after 20 s has its whole process group killed. */
async function stopServer(): Promise<void> {
  if (!server) return;
  const stopping = server;
  server = null;
  const timeout = sleep(20_000).then(() => 'timeout' as const);
  if ((await Promise.race([stopping.stop('SIGTERM'), timeout])) === 'timeout') await stopping.stop('SIGKILL');
  const left = await waitForNoProcesses(authDir, 15_000);
  if (left.length > 0) throw new Error(`Chrome processes still running after the server stopped: ${left.join(', ')}`);
}

async function stateOf(name: string): Promise<string> {
  const answer = await api(server!.url, 'GET', route(name, 'status'));
  if (answer.status !== 200) throw new Error(`GET status of ${name} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body.state as string;
}

/** Polls every session until all are `ready`; returns when each first was. `noQr`: a QR fails the run. */
async function waitAllReady(names: string[], since: number, noQr = false): Promise<Record<string, number>> {
  const readyAt: Record<string, number> = {};
  const deadline = since + READY_TIMEOUT_MS;
  for (;;) {
    const states: Record<string, string> = {};
    for (const name of names.filter((n) => readyAt[n] === undefined)) {
      states[name] = await stateOf(name);
      if (states[name] === 'ready') readyAt[name] = Math.round(performance.now() - since);
      if (noQr && states[name] === 'qr') throw new Error(`${name} asked for a QR instead of reconnecting`);
    }
    if (names.every((n) => readyAt[n] !== undefined)) return readyAt;
    if (performance.now() > deadline)
      throw new Error(`timed out waiting for every session to be ready; not yet: ${JSON.stringify(states)}`);
    await sleep(100);
  }
}

async function pair(name: string): Promise<void> {
  if (name !== 'default') {
    const created = await api(server!.url, 'POST', '/api/sessions', { name });
    if (created.status !== 201) throw new Error(`POST /api/sessions ${name} answered ${created.status}: ${JSON.stringify(created.body)}`);
  }
  const started = await api(server!.url, 'POST', route(name, 'auth/start'));
  if (started.body.state !== 'qr') throw new Error(`expected a QR for ${name}, got ${JSON.stringify(started.body)}`);
  await phones.get(name)!.scanQr();
  await waitAllReady([name], performance.now());
}

/** Every process of a session's Chrome: its browser's process group, and any helper naming its profile. */
function chromeOf(name: string): number[] {
  const browser = browserProcess(profileOf(name));
  if (browser === null) throw new Error(`no single Chrome browser process found for ${name}`);
  const pids = new Set(processesMentioning(profileOf(name)));
  for (const entry of readdirSync('/proc')) {
    if (/^\d+$/.test(entry) && readProcStat(entry)?.pgrp === browser) pids.add(Number(entry));
  }
  return [...pids];
}

async function memory(names: string[], flags: string): Promise<{ server: number; chrome: number[] }> {
  await sleep(SETTLE_MS);
  const chrome = names.map((name) => chromeOf(name));
  const pss = chrome.map((pids) => MiB(pids.reduce((sum, pid) => sum + pssKiB(pid), 0)));
  const serverRss = MiB(rssKiB(server!.child.pid!));
  print({
    name: 'sessions_memory',
    flags,
    sessions: names.length,
    server_rss_mib: serverRss,
    chrome_pss_mib: Object.fromEntries(names.map((name, i) => [name, pss[i]])),
    chrome_processes: Object.fromEntries(names.map((name, i) => [name, chrome[i].length])),
    chrome_pss_total_mib: MiB(pss.reduce((a, b) => a + b, 0) * 1024),
  });
  return { server: serverRss, chrome: pss };
}

async function listChats(name: string): Promise<number> {
  const t0 = performance.now();
  const answer = await api(server!.url, 'GET', route(name, `chats?limit=${LIMIT}`));
  const ms = performance.now() - t0;
  if (answer.status !== 200 || answer.body.count !== LIMIT) {
    throw new Error(`GET chats of ${name} answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`);
  }
  return ms;
}

async function loop(name: string, ms: number): Promise<number[]> {
  const samples: number[] = [];
  const until = performance.now() + ms;
  while (performance.now() < until) samples.push(await listChats(name));
  return samples;
}

function latencyLine(what: string, samples: number[]): Record<string, unknown> {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    name: 'sessions_list_chats',
    what,
    limit: LIMIT,
    samples: samples.length,
    median_ms: round(percentile(sorted, 50)),
    p95_ms: round(percentile(sorted, 95)),
    max_ms: round(sorted.at(-1)!),
  };
}

async function restart(flagSet: string): Promise<void> {
  await stopServer();
  const since = performance.now();
  server = await startWith(FLAG_SETS[flagSet]);
  const listening = Math.round(performance.now() - since);
  const readyAt = await waitAllReady(NAMES, since, true);
  print({
    name: 'sessions_restart',
    flags: flagSet,
    concurrency: 2,
    listening_ms: listening,
    all_ready_ms: Math.max(...Object.values(readyAt)),
    ready_ms: readyAt,
  });
  const argv = readFileSync(`/proc/${browserProcess(profileOf('s5'))}/cmdline`, 'utf8').split('\0');
  const missing = FLAG_SETS[flagSet].filter((flag) => !argv.includes(flag));
  if (missing.length > 0) throw new Error(`Chrome was started without ${missing.join(' ')}`);
  for (const name of NAMES) await listChats(name);
}

async function main(): Promise<void> {
  print({
    name: 'sessions_machine',
    cpus: cpus().length,
    memory_gib: Math.round(totalmem() / 2 ** 30),
    loadavg_before: loadavg().map((l) => round(l)),
  });
  for (const [index, name] of NAMES.entries()) {
    const phone = await Phone.start({ qrRotateMs: 0, me: `1555000000${index + 1}`, pushname: `Phone ${name}` });
    phones.set(name, phone);
    mkdirSync(join(cacheBase, name), { recursive: true });
    await phone.prepare(join(cacheBase, name), SIM_VERSION);
    await phone.seed({ chats: CHATS, messagesPerChat: 5 });
  }
  server = await startWith(FLAG_SETS.baseline);
  const steps: { sessions: number; server: number; chrome: number[] }[] = [];
  for (const count of STEPS) {
    for (const name of NAMES.slice(steps.length ? steps.at(-1)!.sessions : 0, count)) await pair(name);
    steps.push({ sessions: count, ...(await memory(NAMES.slice(0, count), 'baseline')) });
  }
  const first = steps[0];
  const last = steps.at(-1)!;
  const perExtra = round((last.server - first.server) / (last.sessions - first.sessions));
  print({ name: 'sessions_server_rss_per_extra_session', mib: perExtra, target_mib: 20, met: perExtra < 20 });

  print(latencyLine('one session alone', await loop('default', BUSY_MS / 2)));
  const busy = await Promise.all(NAMES.map((name) => loop(name, BUSY_MS)));
  print(latencyLine(`${NAMES.length} sessions at once`, busy.flat()));

  const pssByFlags: Record<string, number> = {};
  for (const flagSet of Object.keys(FLAG_SETS)) {
    await restart(flagSet);
    const { chrome } = await memory(NAMES, flagSet);
    pssByFlags[flagSet] = chrome.reduce((a, b) => a + b, 0) / chrome.length;
  }

  /*
   * Per account: its Chrome plus the server's growth per session. PSS splits the pages all Chromes share
   * (the binary, fonts), so the average per session at 5 overstates what one more costs; the marginal
   * figure is the growth of the total from 1 to 5 sessions (baseline flags), scaled by what the best
   * flag set saved at 5.
   */
  const best = Object.entries(pssByFlags).sort(([, a], [, b]) => a - b)[0];
  const saved = best[1] / pssByFlags.baseline;
  const total = (step: (typeof steps)[number]): number => step.chrome.reduce((a, b) => a + b, 0);
  const marginal = ((total(last) - total(first)) / (last.sessions - first.sessions)) * saved;
  const reserveMiB = 2 * 1024;
  const serverBase = first.server - perExtra;
  // What the first Chrome costs beyond a marginal one: the shared pages, counted once.
  const chromeShared = total(first) * saved - marginal;
  const room = totalmem() / 2 ** 20 - reserveMiB - serverBase;
  print({
    name: 'sessions_capacity',
    flags: best[0],
    chrome_pss_average_mib: round(best[1]),
    chrome_pss_marginal_mib: round(marginal),
    server_rss_per_session_mib: perExtra,
    server_base_mib: round(serverBase),
    chrome_shared_mib: round(chromeShared),
    reserved_for_system_mib: reserveMiB,
    accounts_by_average: Math.floor(room / (best[1] + Math.max(perExtra, 0))),
    accounts_by_marginal: Math.floor((room - chromeShared) / (marginal + Math.max(perExtra, 0))),
    loadavg_after: loadavg().map((l) => round(l)),
  });
}

async function cleanUp(): Promise<void> {
  try {
    await stopServer();
  } finally {
    // Whatever survived a failed stop: every process naming our auth folder.
    for (const pid of processesMentioning(authDir)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
    await Promise.all([...phones.values()].map((phone) => phone.close()));
    await Promise.all([authDir, dataDir, cacheBase].map((dir) => rm(dir, { recursive: true, force: true })));
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`bench:sessions interrupted (${signal}); cleaning up\n`);
    void cleanUp().finally(() => process.exit(130));
  });
}

main()
  .catch((error: unknown) => {
    process.stderr.write(`bench:sessions failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  })
  .finally(cleanUp);
