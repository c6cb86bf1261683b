import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { loadAppConfig } from '../../config/app-config.js';
import { migrate } from '../../database/migrations.js';
import { tempDir } from '../../../test/temp-dirs.js';
import { MediaCacheLimit } from './media-cache-limit.js';
import { MediaCache } from './media-cache.js';
import { SqliteMediaCacheRepository } from './sqlite-media-cache.repository.js';

const file = (bytes: number, fill = 1) => ({ data: Buffer.alloc(bytes, fill), mimetype: 'image/jpeg', filename: null });

function openCache(maxBytes: number, dataDir = tempDir('media-cache-')) {
  const db = new Database(':memory:');
  migrate(db);
  const index = new SqliteMediaCacheRepository(db);
  const cache = new MediaCache(loadAppConfig({ WHATSAPP_DATA_DIR: dataDir }), index, new MediaCacheLimit(maxBytes));
  return { cache, index, dataDir, media: join(dataDir, 'media') };
}

describe('MediaCache', () => {
  it('keeps files in 0700 folders as 0600 files, named by a hash of the message id, and serves them back', async () => {
    const { cache, media } = openCache(1000);
    const kept = await cache.keep('default', 'false_1@c.us_A', file(10, 7), 0);
    expect(kept.size).toBe(10);
    const names = readdirSync(join(media, 'default'));
    expect(names).toEqual([expect.stringMatching(/^[0-9a-f]{64}$/)]);
    expect(statSync(media).mode & 0o777).toBe(0o700);
    expect(statSync(join(media, 'default')).mode & 0o777).toBe(0o700);
    expect(statSync(join(media, 'default', names[0])).mode & 0o777).toBe(0o600);
    const cached = await cache.get('default', 'false_1@c.us_A');
    expect(cached).toMatchObject({ mimetype: 'image/jpeg', filename: null, size: 10, sha256: kept.sha256 });
    await expect(cached!.bytes()).resolves.toEqual(Buffer.alloc(10, 7));
    await expect(cache.get('other', 'false_1@c.us_A')).resolves.toBeNull();
  });

  it('evicts the least recently used files to stay within the limit, over all sessions', async () => {
    const { cache, index } = openCache(100);
    await cache.keep('default', 'a', file(40), 0);
    await cache.keep('work', 'b', file(40), 0);
    await cache.get('default', 'a'); // a is now used more recently than b
    await cache.keep('default', 'c', file(40), 0);
    expect(index.totalSize()).toBe(80);
    await expect(cache.get('work', 'b')).resolves.toBeNull();
    await expect(cache.get('default', 'a')).resolves.not.toBeNull();
    await expect(cache.get('default', 'c')).resolves.not.toBeNull();
  });

  it('serves but does not keep a file larger than the whole cache', async () => {
    const { cache, index } = openCache(100);
    await cache.keep('default', 'a', file(60), 0);
    const big = await cache.keep('default', 'big', file(101), 0);
    await expect(big.bytes()).resolves.toHaveLength(101);
    await expect(cache.get('default', 'big')).resolves.toBeNull();
    expect(index.totalSize()).toBe(60);
  });

  it("wipes a session's files, and keeps nothing a download begun before the wipe brings afterwards", async () => {
    const { cache, media } = openCache(1000);
    await cache.keep('default', 'a', file(10), 0);
    await cache.keep('work', 'b', file(10), 0);
    const before = cache.generation('default');
    await cache.wipe('default');
    expect(existsSync(join(media, 'default'))).toBe(false);
    await cache.keep('default', 'late', file(10), before);
    await expect(cache.get('default', 'late')).resolves.toBeNull();
    expect(existsSync(join(media, 'default'))).toBe(false);
    await expect(cache.get('work', 'b')).resolves.not.toBeNull();
  });

  it('drops one file (deleted for everyone), and forgets a file gone from disk', async () => {
    const { cache, media, index } = openCache(1000);
    await cache.keep('default', 'a', file(10), 0);
    await cache.keep('default', 'b', file(10), 0);
    await cache.remove('default', 'a');
    await expect(cache.get('default', 'a')).resolves.toBeNull();
    rmSync(join(media, 'default'), { recursive: true });
    await expect(cache.get('default', 'b')).resolves.toBeNull();
    expect(index.totalSize()).toBe(0);
  });

  it('at boot removes stray files (an interrupted write) and records whose file is gone', async () => {
    const { cache, media, index, dataDir } = openCache(1000);
    await cache.keep('default', 'a', file(10), 0);
    writeFileSync(join(media, 'default', 'stray.1234.tmp'), 'x');
    const again = new MediaCache(loadAppConfig({ WHATSAPP_DATA_DIR: dataDir }), index, new MediaCacheLimit(1000));
    await again.onApplicationBootstrap();
    expect(readdirSync(join(media, 'default'))).toHaveLength(1);
    rmSync(join(media, 'default'), { recursive: true });
    await again.onApplicationBootstrap();
    expect(index.totalSize()).toBe(0);
  });
});
