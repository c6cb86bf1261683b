import type { Database, Statement } from 'better-sqlite3';
import { type CachedMedia, MediaCacheRepository } from './media-cache.repository.js';

const STATEMENTS = {
  get: 'SELECT * FROM media_cache WHERE session = ? AND message_id = ?',
  put: `INSERT INTO media_cache (session, message_id, file, mimetype, filename, size, sha256, used_at)
    VALUES (@session, @message_id, @file, @mimetype, @filename, @size, @sha256, @used_at)
    ON CONFLICT (session, message_id) DO UPDATE SET file = excluded.file, mimetype = excluded.mimetype,
    filename = excluded.filename, size = excluded.size, sha256 = excluded.sha256, used_at = excluded.used_at`,
  touch: 'UPDATE media_cache SET used_at = ? WHERE session = ? AND message_id = ?',
  remove: 'DELETE FROM media_cache WHERE session = ? AND message_id = ?',
  removeFile: 'DELETE FROM media_cache WHERE session = ? AND file = ?',
  removeSession: 'DELETE FROM media_cache WHERE session = ?',
  totalSize: 'SELECT coalesce(sum(size), 0) AS total FROM media_cache',
  leastRecentlyUsed: 'SELECT * FROM media_cache ORDER BY used_at, session, message_id LIMIT ?',
  files: 'SELECT file FROM media_cache WHERE session = ?',
  sessions: 'SELECT DISTINCT session FROM media_cache',
} as const;

export class SqliteMediaCacheRepository extends MediaCacheRepository {
  private readonly statements: Record<keyof typeof STATEMENTS, Statement>;

  constructor(db: Database) {
    super();
    this.statements = Object.fromEntries(Object.entries(STATEMENTS).map(([name, text]) => [name, db.prepare(text)])) as Record<
      keyof typeof STATEMENTS,
      Statement
    >;
  }

  get(session: string, messageId: string): CachedMedia | null {
    return (this.statements.get.get(session, messageId) as CachedMedia | undefined) ?? null;
  }

  put(entry: CachedMedia): void {
    this.statements.put.run(entry);
  }

  touch(session: string, messageId: string, at: number): void {
    this.statements.touch.run(at, session, messageId);
  }

  remove(session: string, messageId: string): void {
    this.statements.remove.run(session, messageId);
  }

  removeFile(session: string, file: string): void {
    this.statements.removeFile.run(session, file);
  }

  removeSession(session: string): void {
    this.statements.removeSession.run(session);
  }

  totalSize(): number {
    return (this.statements.totalSize.get() as { total: number }).total;
  }

  leastRecentlyUsed(limit: number): CachedMedia[] {
    return this.statements.leastRecentlyUsed.all(limit) as CachedMedia[];
  }

  files(session: string): Set<string> {
    return new Set((this.statements.files.all(session) as { file: string }[]).map((row) => row.file));
  }

  sessions(): string[] {
    return (this.statements.sessions.all() as { session: string }[]).map((row) => row.session);
  }
}
