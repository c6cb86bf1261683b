import { readFileSync, readlinkSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { readProcStat } from '../common/proc-stat.js';

/** Files Chrome keeps in a profile while it runs; a Chrome that died leaves them behind. */
const SINGLETON_FILES = ['SingletonLock', 'SingletonCookie', 'SingletonSocket'];

/** A process that has exited but not been reaped by its parent yet (a zombie) counts as gone. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  // Without /proc (macOS) the signal check is all we have.
  return readProcStat(pid)?.state !== 'Z';
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
 * A Chrome on this profile whose parent is gone (reparented to init): the server that launched it
 * was killed without a chance to close it (`kill -9`, an OOM kill). Linux only (/proc).
 */
function isOrphanedChromeOf(pid: number, profileDir: string): boolean {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return readProcStat(pid)?.ppid === 1 && cmdline.includes(`--user-data-dir=${profileDir}`);
  } catch {
    return false;
  }
}

/**
 * Chrome refuses a profile whose `SingletonLock` (a link to `<host>-<pid>`) names another
 * process, and gives up with an obscure error. A lock whose owner is gone (Chrome crashed or was
 * killed with the server) is stale: remove it so the next start works. A Chrome of ours left
 * running by a server that was killed outright still holds it: kill that Chrome's process group
 * first. A lock held by any other live process on this host is reported clearly instead.
 */
export async function clearStaleProfileLock(profileDir: string): Promise<void> {
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
    const pid = Number(match[2]);
    if (!isOrphanedChromeOf(pid, profileDir)) throw new ProfileInUseError(profileDir, pid);
    killOrphan(pid);
    // Its exit cannot be awaited as an event (not our child): look until it is gone, 3 s at most.
    for (let waited = 0; isAlive(pid) && waited < 3_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  for (const file of SINGLETON_FILES) rmSync(join(profileDir, file), { force: true });
}

/** Chrome is its process group's leader (puppeteer starts it detached): take its helpers too. */
function killOrphan(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    process.kill(pid, 'SIGKILL');
  }
}
