import { existsSync, lstatSync, symlinkSync, writeFileSync } from 'node:fs';
import { tempDir } from '../../test/temp-dirs.js';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { clearStaleProfileLock, ProfileInUseError } from './profile-lock.js';

const profile = () => tempDir('wa-profile-');
const exists = (path: string) => {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
};

describe('clearStaleProfileLock', () => {
  it('does nothing without a lock', async () => {
    const dir = profile();
    await expect(clearStaleProfileLock(dir)).resolves.toBeUndefined();
    await expect(clearStaleProfileLock(join(dir, 'missing'))).resolves.toBeUndefined();
  });

  it('removes a lock whose process is gone, with its companions', async () => {
    const dir = profile();
    symlinkSync(`${hostname()}-999999999`, join(dir, 'SingletonLock'));
    symlinkSync('/tmp/nothing', join(dir, 'SingletonSocket'));
    writeFileSync(join(dir, 'SingletonCookie'), '1');
    await clearStaleProfileLock(dir);
    expect(['SingletonLock', 'SingletonSocket', 'SingletonCookie'].map((f) => exists(join(dir, f)))).toEqual([false, false, false]);
  });

  it('removes a lock taken on another host (a copied session folder)', async () => {
    const dir = profile();
    symlinkSync(`another-host-${process.pid}`, join(dir, 'SingletonLock'));
    await clearStaleProfileLock(dir);
    expect(exists(join(dir, 'SingletonLock'))).toBe(false);
  });

  it('refuses, naming the pid, when a live process on this host holds it (not an orphaned Chrome of this profile)', async () => {
    const dir = profile();
    symlinkSync(`${hostname()}-${process.pid}`, join(dir, 'SingletonLock'));
    await expect(clearStaleProfileLock(dir)).rejects.toThrow(ProfileInUseError);
    await expect(clearStaleProfileLock(dir)).rejects.toThrow(`in use by another Chrome (pid ${process.pid})`);
    expect(existsSync(join(dir, 'SingletonLock')) || exists(join(dir, 'SingletonLock'))).toBe(true);
  });
});
