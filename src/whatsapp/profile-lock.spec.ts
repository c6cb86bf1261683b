import { existsSync, lstatSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { clearStaleProfileLock, ProfileInUseError } from './profile-lock.js';

const profile = () => mkdtempSync(join(tmpdir(), 'wa-profile-'));
const exists = (path: string) => {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
};

describe('clearStaleProfileLock', () => {
  it('does nothing without a lock', () => {
    const dir = profile();
    expect(() => clearStaleProfileLock(dir)).not.toThrow();
    expect(() => clearStaleProfileLock(join(dir, 'missing'))).not.toThrow();
  });

  it('removes a lock whose process is gone, with its companions', () => {
    const dir = profile();
    symlinkSync(`${hostname()}-999999999`, join(dir, 'SingletonLock'));
    symlinkSync('/tmp/nothing', join(dir, 'SingletonSocket'));
    writeFileSync(join(dir, 'SingletonCookie'), '1');
    clearStaleProfileLock(dir);
    expect(['SingletonLock', 'SingletonSocket', 'SingletonCookie'].map((f) => exists(join(dir, f)))).toEqual([false, false, false]);
  });

  it('removes a lock taken on another host (a copied session folder)', () => {
    const dir = profile();
    symlinkSync(`another-host-${process.pid}`, join(dir, 'SingletonLock'));
    clearStaleProfileLock(dir);
    expect(exists(join(dir, 'SingletonLock'))).toBe(false);
  });

  it('refuses, naming the pid, when a live process on this host holds it', () => {
    const dir = profile();
    symlinkSync(`${hostname()}-${process.pid}`, join(dir, 'SingletonLock'));
    expect(() => clearStaleProfileLock(dir)).toThrow(ProfileInUseError);
    expect(() => clearStaleProfileLock(dir)).toThrow(`in use by another Chrome (pid ${process.pid})`);
    expect(existsSync(join(dir, 'SingletonLock')) || exists(join(dir, 'SingletonLock'))).toBe(true);
  });
});
