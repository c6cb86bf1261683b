import { readlinkSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** Files Chrome keeps in a profile while it runs; a Chrome that died leaves them behind. */
const SINGLETON_FILES = ['SingletonLock', 'SingletonCookie', 'SingletonSocket'];

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class ProfileInUseError extends Error {
  constructor(
    readonly profileDir: string,
    readonly pid: number,
  ) {
    super(
      `the session folder ${profileDir} is in use by another Chrome (pid ${pid}): ` +
        'is another server running with the same WHATSAPP_AUTH_DIR?',
    );
    this.name = 'ProfileInUseError';
  }
}

/**
 * Chrome refuses a profile whose `SingletonLock` (a link to `<host>-<pid>`) names another
 * process, and gives up with an obscure error. A lock whose owner is gone (Chrome crashed or was
 * killed with the server) is stale: remove it so the next start works. A lock held by a live
 * process on this host is reported clearly instead.
 */
export function clearStaleProfileLock(profileDir: string): void {
  let owner: string;
  try {
    owner = readlinkSync(join(profileDir, 'SingletonLock'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return;
    owner = ''; // not a link (another platform's lock file): nothing tells us its owner is alive
  }
  const match = /^(.*)-(\d+)$/.exec(owner);
  if (match && match[1] === hostname() && isAlive(Number(match[2]))) {
    throw new ProfileInUseError(profileDir, Number(match[2]));
  }
  for (const file of SINGLETON_FILES) rmSync(join(profileDir, file), { force: true });
}
