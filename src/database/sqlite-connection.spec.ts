import { chmodSync, existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { tempDir } from '../../test/temp-dirs.js';
import { DataDirInUseError } from './data-dir-lock.js';
import { migrate, MIGRATIONS, SchemaTooNewError, schemaVersion, type Migration } from './migrations.js';
import { DATABASE_FILE, openDatabase } from './sqlite-connection.js';

const mode = (path: string): number => statSync(path).mode & 0o777;
const LATEST = MIGRATIONS.at(-1)!.version;

describe('openDatabase', () => {
  it('creates the folder 0700 and the files 0600, in WAL mode, at the latest schema', () => {
    const dir = join(tempDir('wa-db-'), 'nested', 'data');
    const { db, close } = openDatabase(dir);
    try {
      db.prepare("INSERT INTO events (id, type, session, timestamp, data) VALUES ('evt_1', 'session.status', 'default', 't', '{}')").run();
      expect(mode(dir)).toBe(0o700);
      for (const file of [DATABASE_FILE, `${DATABASE_FILE}-wal`, `${DATABASE_FILE}-shm`]) {
        expect({ file, mode: mode(join(dir, file)) }).toEqual({ file, mode: 0o600 });
      }
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(schemaVersion(db)).toBe(LATEST);
    } finally {
      close();
    }
  });

  it('tightens an existing folder to 0700', () => {
    const dir = tempDir('wa-db-');
    chmodSync(dir, 0o755);
    openDatabase(dir).close();
    expect(mode(dir)).toBe(0o700);
  });

  it('names the folder and the variable when the folder cannot be made', () => {
    const file = join(tempDir('wa-db-'), 'a-file');
    writeFileSync(file, '');
    expect(() => openDatabase(join(file, 'data'))).toThrow(
      new RegExp(`^the data folder ${file}/data cannot be created or used \\(.*ENOTDIR.*\\): set WHATSAPP_DATA_DIR to a writable folder$`),
    );
  });

  it('boots twice on the same folder, keeping the data and running no step again', () => {
    const dir = tempDir('wa-db-');
    const first = openDatabase(dir);
    first.db
      .prepare("INSERT INTO events (id, type, session, timestamp, data) VALUES ('evt_1', 'session.status', 'default', 't', '{}')")
      .run();
    first.close();
    const second = openDatabase(dir);
    try {
      expect(second.db.prepare('SELECT id FROM events').all()).toEqual([{ id: 'evt_1' }]);
      expect(second.db.prepare('SELECT version FROM schema_migrations ORDER BY version').all()).toEqual(
        MIGRATIONS.map(({ version }) => ({ version })),
      );
    } finally {
      second.close();
    }
  });

  it('migrates a database left by an older version', () => {
    const dir = tempDir('wa-db-');
    const old = new BetterSqlite3(join(dir, DATABASE_FILE));
    migrate(old, MIGRATIONS.slice(0, -1));
    expect(schemaVersion(old)).toBe(LATEST - 1);
    old.close();
    const { db, close } = openDatabase(dir);
    try {
      expect(schemaVersion(db)).toBe(LATEST);
      expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'events'").get()).toEqual({ name: 'events' });
    } finally {
      close();
    }
  });

  it('refuses a second owner of the folder, naming it, and releases the folder when refused otherwise', () => {
    const dir = tempDir('wa-db-');
    const first = openDatabase(dir);
    expect(() => openDatabase(dir)).toThrow(DataDirInUseError);
    expect(() => openDatabase(dir)).toThrow(dir);
    first.close();
    const newer = new BetterSqlite3(join(dir, DATABASE_FILE));
    newer.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 'now')").run();
    newer.close();
    expect(() => openDatabase(dir)).toThrow(SchemaTooNewError);
    expect(() => openDatabase(dir)).toThrow(/schema version 999, newer than this server knows/);
    expect(existsSync(join(dir, 'server.lock'))).toBe(false);
  });
});

describe('migrate', () => {
  const steps = (log: string[]): Migration[] => [
    { version: 1, name: 'one', up: (db) => void (db.exec('CREATE TABLE a (x)'), log.push('one')) },
    { version: 2, name: 'two', up: (db) => void (db.exec('CREATE TABLE b (x)'), log.push('two')) },
  ];

  it('applies only the pending steps, in order', () => {
    const db = new BetterSqlite3(':memory:');
    const log: string[] = [];
    expect(migrate(db, steps(log).slice(0, 1))).toEqual([1]);
    expect(migrate(db, steps(log))).toEqual([2]);
    expect(migrate(db, steps(log))).toEqual([]);
    expect(log).toEqual(['one', 'two']);
  });

  it('rolls a failing step back whole and records nothing for it', () => {
    const db = new BetterSqlite3(':memory:');
    const failing: Migration = { version: 1, name: 'bad', up: (d) => void (d.exec('CREATE TABLE c (x)'), d.exec('NOT SQL')) };
    expect(() => migrate(db, [failing])).toThrow(/syntax error/);
    expect(schemaVersion(db)).toBe(0);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'c'").get()).toBeUndefined();
  });
});
