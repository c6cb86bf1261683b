import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { tempDir } from '../../test/temp-dirs.js';
import { DataDirInUseError, LOCK_FILE, lockDataDir } from './data-dir-lock.js';

const startTime = (pid: number): number => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
};

const writeLock = (dir: string, owner: object) => writeFileSync(join(dir, LOCK_FILE), JSON.stringify(owner));

/** A live process that is not us, as another server would be. */
async function otherProcess() {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  await once(child, 'spawn');
  return {
    pid: child.pid!,
    async exit() {
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    },
  };
}

describe('lockDataDir', () => {
  it('writes our pid and removes the lock on release', () => {
    const dir = tempDir('wa-lock-');
    const release = lockDataDir(dir);
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toEqual({
      pid: process.pid,
      host: hostname(),
      started: startTime(process.pid),
    });
    release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('refuses a second owner in the same process, naming the folder, and allows one after release', () => {
    const dir = tempDir('wa-lock-');
    const release = lockDataDir(dir);
    expect(() => lockDataDir(dir)).toThrow(new DataDirInUseError(dir, process.pid));
    expect(() => lockDataDir(dir)).toThrow(`the data folder ${dir} is in use by another server (pid ${process.pid})`);
    release();
    lockDataDir(dir)();
  });

  it('refuses a folder held by another live process, and reclaims it once that process is dead', async () => {
    const dir = tempDir('wa-lock-');
    const other = await otherProcess();
    writeLock(dir, { pid: other.pid, host: hostname(), started: startTime(other.pid) });
    expect(() => lockDataDir(dir)).toThrow(new DataDirInUseError(dir, other.pid));
    await other.exit();
    const release = lockDataDir(dir);
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid });
    release();
  });

  it('reclaims a lock whose pid now belongs to another process, another host, or that is unreadable', async () => {
    const dir = tempDir('wa-lock-');
    const other = await otherProcess();
    try {
      for (const owner of [
        { pid: other.pid, host: hostname(), started: startTime(other.pid) - 1 },
        { pid: other.pid, host: `not-${hostname()}`, started: startTime(other.pid) },
        { pid: 'x' },
      ]) {
        writeLock(dir, owner);
        lockDataDir(dir)();
      }
    } finally {
      await other.exit();
    }
    writeFileSync(join(dir, LOCK_FILE), '{half a lock');
    lockDataDir(dir)();
  });
});
