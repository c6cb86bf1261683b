import type { Database, Statement } from 'better-sqlite3';
import { SessionsRepository, type StoredSession } from './sessions.repository.js';

export class SqliteSessionsRepository extends SessionsRepository {
  private readonly listAll: Statement<[], { name: string; created_at: number }>;
  private readonly insert: Statement<[string, number]>;
  private readonly delete: Statement<[string]>;

  constructor(db: Database) {
    super();
    this.listAll = db.prepare('SELECT name, created_at FROM sessions ORDER BY created_at, name');
    this.insert = db.prepare('INSERT OR IGNORE INTO sessions (name, created_at) VALUES (?, ?)');
    this.delete = db.prepare('DELETE FROM sessions WHERE name = ?');
  }

  list(): StoredSession[] {
    return this.listAll.all().map((row) => ({ name: row.name, createdAt: row.created_at }));
  }

  add({ name, createdAt }: StoredSession): void {
    this.insert.run(name, createdAt);
  }

  remove(name: string): void {
    this.delete.run(name);
  }
}
