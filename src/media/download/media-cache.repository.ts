/** One downloaded file in the cache; `file` is its name in the session's folder. */
export interface CachedMedia {
  session: string;
  message_id: string;
  file: string;
  mimetype: string;
  filename: string | null;
  size: number;
  sha256: string;
  /** Epoch milliseconds of the last download or read: the least recently used go first. */
  used_at: number;
}

/** The DI token of the media cache's index; the SQL lives in SqliteMediaCacheRepository. */
export abstract class MediaCacheRepository {
  abstract get(session: string, messageId: string): CachedMedia | null;
  /** Records a file, replacing the record of the same message. */
  abstract put(entry: CachedMedia): void;
  abstract touch(session: string, messageId: string, at: number): void;
  abstract remove(session: string, messageId: string): void;
  /** Forgets a file found missing on disk. */
  abstract removeFile(session: string, file: string): void;
  abstract removeSession(session: string): void;
  /** Bytes of every file recorded, over all sessions. */
  abstract totalSize(): number;
  /** Up to `limit` records, least recently used first. */
  abstract leastRecentlyUsed(limit: number): CachedMedia[];
  /** The file names recorded for a session. */
  abstract files(session: string): Set<string>;
  /** The sessions with records. */
  abstract sessions(): string[];
}
