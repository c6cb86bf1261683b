import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { readProcStat } from '../common/proc-stat.js';

export const LOCK_FILE = 'server.lock';

export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `the data folder ${dataDir} is in use by another server (pid ${pid}): ` +
        'run one server per WHATSAPP_DATA_DIR, or give this one its own folder',
    );
    this.name = 'DataDirInUseError';
  }
}

interface LockOwner {
  pid: number;
  host: string;
  /** The process's start time in clock ticks since boot (Linux), to tell a reused pid from the owner. */
  started: number | null;
}

/** Folders locked by this process: a second app in the same process (tests) is refused too. */
const heldHere = new Set<string>();

/** Field 22 of /proc/<pid>/stat, or null without /proc. */
function startTimeOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return readProcStat(pid)?.state !== 'Z';
}

function readOwner(path: string): LockOwner | null {
  try {
    const owner = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockOwner>;
    return typeof owner.pid === 'number' && typeof owner.host === 'string'
      ? { pid: owner.pid, host: owner.host, started: typeof owner.started === 'number' ? owner.started : null }
      : null;
  } catch {
    return null;
  }
}

/**
 * Another host's lock (a container recreated with a new name over the same volume) cannot be
 * checked and is taken as stale, as Chrome's profile lock is; so is a pid now used by another
 * process (its start time differs), which happens across container restarts.
 */
function ownerIsLive(owner: LockOwner, dataDir: string): boolean {
  if (owner.host !== hostname()) return false;
  if (owner.pid === process.pid) return heldHere.has(dataDir);
  if (!isAlive(owner.pid)) return false;
  const started = startTimeOf(owner.pid);
  return owner.started === null || started === null || owner.started === started;
}

/**
 * The one-owner rule of the data folder: a lock file holding the owner's pid, created exclusively.
 * A lock left by a process that is gone (`kill -9`, a crash) is reclaimed. Returns the release.
 */
export function lockDataDir(dataDir: string): () => void {
  const path = join(dataDir, LOCK_FILE);
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      const owner: LockOwner = { pid: process.pid, host: hostname(), started: startTimeOf(process.pid) };
      writeSync(fd, JSON.stringify(owner));
      closeSync(fd);
      heldHere.add(dataDir);
      return () => {
        heldHere.delete(dataDir);
        if (readOwner(path)?.pid === process.pid) rmSync(path, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = readOwner(path);
      if (owner && ownerIsLive(owner, dataDir)) throw new DataDirInUseError(dataDir, owner.pid);
      // Someone else reclaimed the same stale lock at the same moment.
      if (attempt > 0) throw error;
      rmSync(path, { force: true });
    }
  }
}
