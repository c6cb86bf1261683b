import { watch } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { startServer, type ServerProcess } from '../server-process.js';
import { tempDir } from '../temp-dirs.js';

/** Resolves with the first file in `dir` whose name matches `pattern`; throws after `timeoutMs`. */
async function fileAppears(dir: string, pattern: RegExp, timeoutMs: number): Promise<string> {
  const watcher = watch(dir);
  try {
    const deadline = setTimeout(() => watcher.emit('error', new Error(`no file matching ${pattern} appeared in ${dir}`)), timeoutMs);
    try {
      for (;;) {
        const found = (await readdir(dir)).find((name) => pattern.test(name));
        if (found) return found;
        await new Promise((resolve, reject) => watcher.once('change', resolve).once('error', reject));
      }
    } finally {
      clearTimeout(deadline);
    }
  } finally {
    watcher.close();
  }
}

describe('signals', () => {
  let server: ServerProcess | undefined;

  afterEach(async () => {
    await server?.stop('SIGKILL');
  });

  it('SIGUSR2 is left to Node (--heapsnapshot-signal) and does not stop the server; SIGTERM does', async () => {
    const diagnostics = tempDir('wa-diag-');
    server = await startServer({}, ['node', '--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${diagnostics}`, 'dist/main.js']);
    process.kill(server.child.pid!, 'SIGUSR2');
    await expect(fileAppears(diagnostics, /\.heapsnapshot$/, 30_000)).resolves.toMatch(/\.heapsnapshot$/);
    // Node writes the snapshot on the main thread: once /health answers, a shutdown started by the
    // signal would have closed the listener already.
    const res = await fetch(`${server.url}/health`);
    expect(res.status).toBe(200);
    await expect(res.json()).resolves.toMatchObject({ ok: true, status: { state: 'stopped' } });
    expect(server.child.exitCode).toBeNull();
    expect(server.output()).not.toMatch(/shut|clos|error/i);
    await expect(server.stop('SIGTERM')).resolves.toEqual({ code: null, signal: 'SIGTERM' });
  }, 90_000);
});
