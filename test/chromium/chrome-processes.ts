import { existsSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';

export { processesMentioning, waitForNoProcesses } from '../processes.js';

/** The system Chromium the tests drive, or null when this machine has none. */
export const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) => existsSync(path)) ?? null;

/**
 * Real-Chromium suites run where Chromium is installed; in CI (.ci/run installs it) a missing
 * Chromium fails them instead of skipping them.
 */
export const describeChromium: jest.Describe = CHROMIUM || process.env.CI ? describe : describe.skip;

/**
 * Flags for tests: no background traffic, and host names resolved by `rules` (by default none at
 * all), so nothing leaves this machine. Quoted as WHATSAPP_CHROME_ARGS expects.
 */
export function testChromeArgs(rules = 'MAP * ~NOTFOUND'): string {
  return [
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    `--host-resolver-rules="${rules}"`,
  ].join(' ');
}

/** A loopback TCP server that accepts connections and never answers: a WhatsApp Web that never loads. */
export async function startSilentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
