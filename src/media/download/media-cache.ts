import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { describeError } from '../../common/describe-error.js';
import { AppConfig } from '../../config/app-config.js';
import type { MediaFile } from '../../whatsapp/whatsapp-client.port.js';
import { MediaCacheLimit } from './media-cache-limit.js';
import { MediaCacheRepository } from './media-cache.repository.js';

/** A file ready to be served, from the cache or just downloaded. */
export interface MediaContent {
  mimetype: string;
  filename: string | null;
  size: number;
  sha256: string;
  stream(): Readable;
  bytes(): Promise<Buffer>;
}

const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

function inMemory(file: MediaFile): MediaContent {
  const { data, mimetype, filename } = file;
  return {
    mimetype,
    filename,
    size: data.length,
    sha256: sha256(data),
    stream: () => Readable.from([data]),
    bytes: () => Promise.resolve(data),
  };
}

/**
 * Downloaded files in WHATSAPP_DATA_DIR/media/<session>/ (folders 0700, files 0600), indexed by
 * MediaCacheRepository, within WHATSAPP_MEDIA_CACHE_MAX_BYTES over all sessions: the least
 * recently used files go first. A file is named by the hash of its message id, never by anything
 * a sender chose. The index and the folders are reconciled at boot (a crash between writing a file
 * and recording it leaves a stray file, which is removed then).
 */
@Injectable()
export class MediaCache implements OnApplicationBootstrap {
  private readonly logger = new Logger('MediaCache');
  private readonly root: string;
  private readonly wipes = new Map<string, number>();
  private lastUse = 0;

  constructor(
    config: AppConfig,
    private readonly index: MediaCacheRepository,
    private readonly limit: MediaCacheLimit,
  ) {
    this.root = join(config.dataDir, 'media');
  }

  /** Changes when the session's files are wiped: a download begun before is not kept after. */
  generation(session: string): number {
    return this.wipes.get(session) ?? 0;
  }

  /** The cached file of a message, or null. */
  async get(session: string, messageId: string): Promise<MediaContent | null> {
    const entry = this.index.get(session, messageId);
    if (!entry) return null;
    const path = join(this.root, session, entry.file);
    if (!(await stat(path).catch(() => null))?.isFile()) {
      this.index.remove(session, messageId);
      return null;
    }
    this.index.touch(session, messageId, this.now());
    const { mimetype, filename, size } = entry;
    return { mimetype, filename, size, sha256: entry.sha256, stream: () => createReadStream(path), bytes: () => readFile(path) };
  }

  /**
   * Keeps a downloaded file, making room first; one larger than the whole cache, or one whose
   * session was wiped while it downloaded, is served but not kept.
   */
  async keep(session: string, messageId: string, file: MediaFile, generation: number): Promise<MediaContent> {
    const content = inMemory(file);
    if (content.size > this.limit.maxBytes || generation !== this.generation(session)) return content;
    try {
      await this.write(session, messageId, content, file.data, generation);
    } catch (error) {
      this.logger.warn(`Could not keep a downloaded file in the media cache: ${describeError(error)}`);
    }
    return content;
  }

  private async write(session: string, messageId: string, content: MediaContent, data: Buffer, generation: number): Promise<void> {
    await this.evict(content.size);
    const folder = await this.folder(session);
    const name = sha256(messageId);
    const partial = join(folder, `${name}.${randomUUID()}.tmp`);
    await writeFile(partial, data, { mode: 0o600, flag: 'wx' });
    if (generation !== this.generation(session)) {
      await rm(partial, { force: true });
      return;
    }
    await rename(partial, join(folder, name));
    const { mimetype, filename, size } = content;
    this.index.put({ session, message_id: messageId, file: name, mimetype, filename, size, sha256: content.sha256, used_at: this.now() });
    // Downloads that ran side by side may each have made room for themselves only.
    await this.evict(0, `${session}\n${messageId}`);
  }

  /** Drops one message's file (deleted for everyone). */
  async remove(session: string, messageId: string): Promise<void> {
    const entry = this.index.get(session, messageId);
    if (!entry) return;
    this.index.remove(session, messageId);
    await rm(join(this.root, session, entry.file), { force: true });
  }

  /** Deletes every file of a session (logout, unlink). */
  async wipe(session: string): Promise<void> {
    this.wipes.set(session, this.generation(session) + 1);
    this.index.removeSession(session);
    await rm(join(this.root, session), { recursive: true, force: true });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.reconcile().catch((error: unknown) => this.logger.warn(`Could not tidy the media cache: ${describeError(error)}`));
  }

  /** Removes least recently used files until `room` more bytes fit; `keep` is never removed. */
  private async evict(room: number, keep?: string): Promise<void> {
    let total = this.index.totalSize();
    while (total + room > this.limit.maxBytes) {
      const victims = this.index.leastRecentlyUsed(16).filter((entry) => `${entry.session}\n${entry.message_id}` !== keep);
      if (victims.length === 0) return;
      for (const entry of victims) {
        if (total + room <= this.limit.maxBytes) break;
        this.index.remove(entry.session, entry.message_id);
        total -= entry.size;
        await rm(join(this.root, entry.session, entry.file), { force: true });
      }
    }
  }

  private async folder(session: string): Promise<string> {
    const folder = join(this.root, session);
    await mkdir(folder, { recursive: true, mode: 0o700 });
    await chmod(this.root, 0o700);
    await chmod(folder, 0o700);
    return folder;
  }

  private async reconcile(): Promise<void> {
    const folders = await readdir(this.root, { withFileTypes: true }).catch(() => []);
    const onDisk = new Set<string>();
    for (const folder of folders.filter((entry) => entry.isDirectory())) {
      const recorded = this.index.files(folder.name);
      for (const file of await readdir(join(this.root, folder.name))) {
        if (recorded.has(file)) onDisk.add(`${folder.name}/${file}`);
        else await rm(join(this.root, folder.name, file), { force: true, recursive: true });
      }
    }
    for (const session of this.index.sessions()) {
      for (const file of this.index.files(session)) {
        if (!onDisk.has(`${session}/${file}`)) this.index.removeFile(session, file);
      }
    }
  }

  /** Strictly increasing, so the order of use is exact even within one millisecond. */
  private now(): number {
    this.lastUse = Math.max(Date.now(), this.lastUse + 1);
    return this.lastUse;
  }
}
