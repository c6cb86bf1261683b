/**
 * The server without Chrome (no account linked): its idle memory, and MCP session churn (the load
 * test that used to run in e2e). Loopback only; the server it starts it stops.
 */
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { rssKiB } from '../test/browser/sim-server.js';
import { startServer } from '../test/server-process.js';

type Print = (line: Record<string, unknown>) => void;

const SESSIONS = Number(process.env.BENCH_MCP_SESSIONS ?? 2_000);
const CONCURRENCY = 50;
const MiB = (kib: number): number => Math.round((kib / 1024) * 10) / 10;

const INITIALIZE = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bench', version: '1' } },
});

async function openAndClose(mcpUrl: string): Promise<void> {
  const opened = await fetch(mcpUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: INITIALIZE,
  });
  await opened.text();
  const id = opened.headers.get('mcp-session-id');
  if (opened.status !== 200 || !id) throw new Error(`initialize answered ${opened.status}`);
  const closed = await fetch(mcpUrl, { method: 'DELETE', headers: { 'mcp-session-id': id } });
  await closed.text();
  if (closed.status !== 200) throw new Error(`DELETE of session ${id} answered ${closed.status}`);
}

export async function benchServer(print: Print): Promise<void> {
  const bareNode = Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.memoryUsage().rss))']));
  // The cap equals the concurrency: a session left open by one round makes a later initialize fail.
  const server = await startServer({ WHATSAPP_AUTO_START: 'never', WHATSAPP_MCP_MAX_SESSIONS: String(CONCURRENCY) }, [
    'node',
    'dist/main.js',
  ]);
  try {
    const health = await fetch(`${server.url}/health`);
    if (health.status !== 200) throw new Error(`/health answered ${health.status}`);
    // Let start-up garbage settle: the figure is what the server holds while it waits.
    await sleep(2_000);
    const pid = server.child.pid!;
    print({ name: 'idle_memory', node: process.version, server_rss_mib: MiB(rssKiB(pid)), bare_node_rss_mib: MiB(bareNode / 1024) });

    const mcpUrl = `${server.url}/mcp`;
    const started = performance.now();
    for (let done = 0; done < SESSIONS; done += CONCURRENCY) {
      await Promise.all(Array.from({ length: Math.min(CONCURRENCY, SESSIONS - done) }, () => openAndClose(mcpUrl)));
    }
    const ms = performance.now() - started;
    print({
      name: 'mcp_sessions',
      sessions: SESSIONS,
      concurrency: CONCURRENCY,
      ms: Math.round(ms),
      sessions_per_s: Math.round(SESSIONS / (ms / 1000)),
      server_rss_mib: MiB(rssKiB(pid)),
    });
  } finally {
    await server.stop('SIGTERM');
  }
}
