import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { describeError } from '../common/describe-error.js';
import { AppConfig } from '../config/app-config.js';
import { lockDataDir } from './data-dir-lock.js';
import { migrate } from './migrations.js';

export const DATABASE_FILE = 'whatsapp.db';

/** How every connection to the data folder's database is set up (`npm run bench:store` uses the same). */
export function applyConnectionSettings(db: Database): void {
  db.pragma('journal_mode = WAL');
  // In WAL mode NORMAL loses nothing when the process dies, only on a power cut.
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
}

/**
 * Opens a data folder's database: folder 0700 and files 0600 (they hold private messages), the
 * one-owner lock, WAL, and the migrations. Returns the handle and a close that releases the lock.
 */
export function openDatabase(dataDir: string): { db: Database; close: () => void } {
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    chmodSync(dataDir, 0o700);
  } catch (error) {
    // MCP clients often start the server in a folder it cannot write (/ on macOS).
    throw new Error(
      `the data folder ${dataDir} cannot be created or used (${describeError(error)}): set WHATSAPP_DATA_DIR to a writable folder`,
      { cause: error },
    );
  }
  const release = lockDataDir(dataDir);
  try {
    const file = join(dataDir, DATABASE_FILE);
    // SQLite creates its -wal and -shm files with the database file's mode.
    if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
    chmodSync(file, 0o600);
    const db = new BetterSqlite3(file);
    applyConnectionSettings(db);
    try {
      migrate(db);
    } catch (error) {
      db.close();
      throw error;
    }
    return {
      db,
      close: () => {
        db.close();
        release();
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}

/**
 * The SQLite database of WHATSAPP_DATA_DIR, for the SQLite repositories. Opened at the latest in
 * onModuleInit, before any listener is registered (those start at bootstrap), or earlier by a
 * repository factory that prepares its statements when it is built; closed last, after the
 * shutdown hooks of the sessions, whose final state changes are still stored.
 */
@Injectable()
export class SqliteConnection implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Database');
  private opened: { db: Database; close: () => void } | null = null;
  private closed = false;

  constructor(private readonly config: AppConfig) {}

  onModuleInit(): void {
    this.open();
  }

  onApplicationShutdown(): void {
    this.closed = true;
    this.opened?.close();
    this.opened = null;
  }

  get db(): Database {
    return this.open().db;
  }

  get isOpen(): boolean {
    return this.opened !== null;
  }

  private open(): { db: Database; close: () => void } {
    if (this.closed) throw new Error('the database is closed');
    if (!this.opened) {
      this.opened = openDatabase(this.config.dataDir);
      this.logger.log(`Database open in ${this.config.dataDir}`);
    }
    return this.opened;
  }
}
