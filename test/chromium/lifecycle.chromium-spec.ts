import { jest } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type ServerProcess } from '../server-process.js';
import {
  CHROMIUM,
  describeChromium,
  processesMentioning,
  startSilentServer,
  testChromeArgs,
  waitForNoProcesses,
} from './chrome-processes.js';

/*
 * The real adapter, the real whatsapp-web.js and a real Chromium, in the built server started as
 * a process. WhatsApp cannot be reached from here, which is exactly the failure under test; host
 * names resolve to nothing (or to a silent loopback server), so no traffic leaves the machine.
 */

// Each test boots servers and Chromes: on 2 busy cores that takes longer than Jest's 5 s default.
jest.setTimeout(30_000);

const servers: ServerProcess[] = [];
const authDirs: string[] = [];

async function server(
  env: Record<string, string>,
  authDir = mkdtempSync(join(tmpdir(), 'wa-chromium-')),
): Promise<ServerProcess & { authDir: string }> {
  authDirs.push(authDir);
  const started = await startServer({ WHATSAPP_AUTH_DIR: authDir, ...env }, ['node', 'dist/main.js']);
  servers.push(started);
  return Object.assign(started, { authDir });
}

async function call(base: string, method: string, path: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${base}${path}`, { method });
  return { status: res.status, body: await res.json() };
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop('SIGKILL')));
  // Whatever a failed test left running (Chrome has its own process group, outside the server's).
  for (const dir of authDirs.splice(0)) {
    for (const pid of processesMentioning(dir)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    rmSync(dir, { recursive: true, force: true });
  }
});

describeChromium('with a real Chromium', () => {
  it('is found with no configuration', async () => {
    const s = await server({ WHATSAPP_CHROME_ARGS: testChromeArgs() });
    const status = await call(s.url, 'GET', '/api/status');
    expect(status.body.chrome_executable).toBe(CHROMIUM);
  });

  it('a start against the unreachable WhatsApp settles stopped with a clear last_error, and leaves no Chrome', async () => {
    const s = await server({ WHATSAPP_CHROME_ARGS: testChromeArgs() });
    const started = await call(s.url, 'POST', '/api/auth/start');
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({
      state: 'stopped',
      last_error: 'Could not start WhatsApp Web: net::ERR_NAME_NOT_RESOLVED at https://web.whatsapp.com/',
    });
    expect(await waitForNoProcesses(s.authDir)).toEqual([]);
    const health = await call(s.url, 'GET', '/health');
    expect(health).toMatchObject({ status: 200, body: { ok: true, status: { state: 'stopped' } } });
    const send = await call(s.url, 'POST', '/api/send');
    expect(send.status).toBe(400);
  });

  it('a Chrome path that points at nothing → 503 browser_unavailable naming it, nothing launched', async () => {
    const s = await server({ WHATSAPP_CHROME_EXECUTABLE: '/opt/nowhere/chrome' });
    const started = await call(s.url, 'POST', '/api/auth/start');
    expect(started.status).toBe(503);
    expect(started.body.error).toMatchObject({ code: 'browser_unavailable', message: expect.stringContaining('/opt/nowhere/chrome') });
    expect(processesMentioning(s.authDir)).toEqual([]);
  });

  it('a stale profile lock (taken on another host, e.g. a container renamed) is removed and the next start launches', async () => {
    const s = await server({ WHATSAPP_CHROME_ARGS: testChromeArgs() });
    const profile = join(s.authDir, 'session-default');
    mkdirSync(profile, { recursive: true });
    // Chrome clears a dead lock of its own host by itself, but refuses one naming another host.
    symlinkSync('another-host-12345', join(profile, 'SingletonLock'));
    const started = await call(s.url, 'POST', '/api/auth/start');
    // Chrome ran and reached the network: the lock did not stop it.
    expect(started.body.last_error).toContain('ERR_NAME_NOT_RESOLVED');
  });

  describe('while Chrome is starting (WhatsApp Web never answers)', () => {
    let silent: Awaited<ReturnType<typeof startSilentServer>>;
    beforeEach(async () => {
      silent = await startSilentServer();
    });
    afterEach(async () => {
      await silent.close();
    });

    const startingServer = () =>
      server({ WHATSAPP_CHROME_ARGS: testChromeArgs(`MAP * 127.0.0.1:${silent.port}`), WHATSAPP_START_TIMEOUT_MS: '1500' });

    it('Chrome SIGKILLed mid-start → a clean state, no orphan, and the next start works', async () => {
      const s = await startingServer();
      const started = await call(s.url, 'POST', '/api/auth/start');
      expect(started.body.state).toBe('starting');
      const chrome = processesMentioning(s.authDir);
      expect(chrome.length).toBeGreaterThan(0);
      process.kill(Math.min(...chrome), 'SIGKILL');
      expect(await waitForNoProcesses(s.authDir)).toEqual([]);
      const after = await call(s.url, 'GET', '/api/status');
      expect(after.body).toMatchObject({
        state: 'stopped',
        last_error: expect.stringMatching(/^(Could not start WhatsApp Web|Disconnected): Chrome exited or crashed \(BROWSER_CLOSED\)$/),
      });

      const again = await call(s.url, 'POST', '/api/auth/start');
      expect(again.body).toMatchObject({ state: 'starting', last_error: null });
      expect(processesMentioning(s.authDir).length).toBeGreaterThan(0);
      await call(s.url, 'POST', '/api/logout');
      expect(await waitForNoProcesses(s.authDir)).toEqual([]);
    });

    it('a server killed outright (kill -9) leaves its Chrome orphaned: the next server kills it and starts', async () => {
      const first = await startingServer();
      await call(first.url, 'POST', '/api/auth/start');
      const orphans = processesMentioning(first.authDir);
      expect(orphans.length).toBeGreaterThan(0);
      await first.stop('SIGKILL');
      const running = () => orphans.filter((pid) => processesMentioning(first.authDir).includes(pid));
      expect(running().length).toBeGreaterThan(0);

      const next = await server(
        { WHATSAPP_CHROME_ARGS: testChromeArgs(`MAP * 127.0.0.1:${silent.port}`), WHATSAPP_START_TIMEOUT_MS: '1500' },
        first.authDir,
      );
      const started = await call(next.url, 'POST', '/api/auth/start');
      expect(started.body).toMatchObject({ state: 'starting', last_error: null });
      expect(running()).toEqual([]);
      expect(processesMentioning(first.authDir).length).toBeGreaterThan(0);
    });

    it('a frozen Chrome does not hold shutdown: SIGTERM → exit within 10 s, Chrome killed', async () => {
      const s = await startingServer();
      await call(s.url, 'POST', '/api/auth/start');
      const chrome = processesMentioning(s.authDir);
      process.kill(Math.min(...chrome), 'SIGSTOP');
      const begun = Date.now();
      const exit = await s.stop('SIGTERM');
      expect(Date.now() - begun).toBeLessThan(10_000);
      expect(exit).toEqual({ code: null, signal: 'SIGTERM' });
      expect(await waitForNoProcesses(s.authDir, 2_000)).toEqual([]);
    });

    it('SIGTERM to the server process alone → it exits within 10 s and leaves no Chrome', async () => {
      const s = await startingServer();
      const started = await call(s.url, 'POST', '/api/auth/start');
      expect(started.body.state).toBe('starting');
      expect(processesMentioning(s.authDir).length).toBeGreaterThan(0);
      const begun = Date.now();
      const exit = await s.stop('SIGTERM');
      expect(Date.now() - begun).toBeLessThan(10_000);
      expect(exit).toEqual({ code: null, signal: 'SIGTERM' });
      expect(processesMentioning(s.authDir)).toEqual([]);
    });
  });
});
