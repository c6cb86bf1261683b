import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Everything the process wrote so far, stdout and stderr. */
  output(): string;
  /** Resolves once the output matches `pattern` (checked on every write), or rejects after `timeoutMs`. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /**
   * Sends a signal to the process group (npm and the server it runs) and waits for the started
   * command to exit; returns how it exited.
   */
  stop(signal?: NodeJS.Signals): Promise<Exit>;
}

const ROOT = new URL('..', import.meta.url).pathname;

/**
 * Starts the server the way the README says (`npm start` by default) on a free port
 * (WHATSAPP_MCP_PORT=0) and resolves with its address once it logs that it is listening.
 * `--ignore-scripts` skips `prestart`'s build: `npm test` has built dist already, and a rebuild here
 * rewrote dist under the servers other test files were starting at the same time.
 */
export async function startServer(
  env: Record<string, string> = {},
  command: string[] = ['npm', 'start', '--silent', '--ignore-scripts'],
  timeoutMs = 60_000,
): Promise<ServerProcess> {
  const ownAuthDir = env.WHATSAPP_AUTH_DIR ? null : mkdtempSync(join(tmpdir(), 'wa-proc-'));
  // Parallel servers must not share the default data folder in the repository (one owner each).
  const ownDataDir = env.WHATSAPP_DATA_DIR ? null : mkdtempSync(join(tmpdir(), 'wa-proc-data-'));
  const child = spawn(command[0], command.slice(1), {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      WHATSAPP_MCP_PORT: '0',
      ...(ownAuthDir ? { WHATSAPP_AUTH_DIR: ownAuthDir } : {}),
      ...(ownDataDir ? { WHATSAPP_DATA_DIR: ownDataDir } : {}),
      WHATSAPP_TERMINAL_QR: 'false',
      NO_COLOR: '1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so that stop() reaches the server behind `npm start` too.
    detached: true,
  });
  let output = '';
  const exited = once(child, 'exit').then(([code, signal]) => {
    for (const dir of [ownAuthDir, ownDataDir]) if (dir) rmSync(dir, { recursive: true, force: true });
    return { code, signal };
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in time:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = output.match(/Listening on (http:\/\/\S+?:\d+)/);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code ?? signal} before listening:\n${output}`));
    });
  });
  return {
    url,
    child,
    output: () => output,
    waitForOutput: (pattern, ms = 10_000) =>
      new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (!pattern.test(output)) return;
          clearTimeout(timer);
          child.stdout.off('data', onData);
          child.stderr.off('data', onData);
          resolve();
        };
        // Registered after the listener that appends to `output`, so it sees each write.
        const onData = check;
        const timer = setTimeout(() => {
          child.stdout.off('data', onData);
          child.stderr.off('data', onData);
          reject(new Error(`output never matched ${pattern}:\n${output}`));
        }, ms);
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        check();
      }),
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, signal);
      return exited;
    },
  };
}
