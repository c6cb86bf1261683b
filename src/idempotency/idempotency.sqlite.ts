import type { Database, Statement } from 'better-sqlite3';
import { type ClaimResult, type IdempotencyRecord, IdempotencyRepository, type StoredAnswer } from './idempotency.repository.js';

interface Row {
  scope: string;
  key: string;
  fingerprint: string;
  answer: string | null;
  created_at: number;
  expires_at: number;
}

export class SqliteIdempotencyRepository extends IdempotencyRepository {
  private readonly insert: Statement;
  private readonly select: Statement<[string, string], Row>;
  private readonly dropExpired: Statement;
  private readonly claimTx: (record: Omit<IdempotencyRecord, 'answer'>, now: number) => ClaimResult;

  constructor(private readonly db: Database) {
    super();
    // No OR IGNORE: a second claim must fail on the primary key, never overwrite the first.
    this.insert = db.prepare(
      'INSERT INTO idempotency_keys (scope, key, fingerprint, answer, created_at, expires_at) VALUES (?, ?, ?, NULL, ?, ?)',
    );
    this.select = db.prepare('SELECT * FROM idempotency_keys WHERE scope = ? AND key = ?');
    this.dropExpired = db.prepare('DELETE FROM idempotency_keys WHERE scope = ? AND key = ? AND expires_at <= ?');
    this.claimTx = db.transaction((record: Omit<IdempotencyRecord, 'answer'>, now: number): ClaimResult => {
      this.dropExpired.run(record.scope, record.key, now);
      try {
        this.insert.run(record.scope, record.key, record.fingerprint, record.createdAt, record.expiresAt);
        return { claimed: true };
      } catch (error) {
        if ((error as { code?: string }).code !== 'SQLITE_CONSTRAINT_PRIMARYKEY') throw error;
        const row = this.select.get(record.scope, record.key) as Row;
        return { claimed: false, existing: toRecord(row) };
      }
    });
  }

  claim(record: Omit<IdempotencyRecord, 'answer'>, now: number): ClaimResult {
    return this.claimTx(record, now);
  }

  complete(scope: string, key: string, answer: StoredAnswer): void {
    this.db.prepare('UPDATE idempotency_keys SET answer = ? WHERE scope = ? AND key = ?').run(JSON.stringify(answer), scope, key);
  }

  release(scope: string, key: string): void {
    this.db.prepare('DELETE FROM idempotency_keys WHERE scope = ? AND key = ? AND answer IS NULL').run(scope, key);
  }

  purgeExpired(now: number): number {
    return this.db.prepare('DELETE FROM idempotency_keys WHERE expires_at <= ?').run(now).changes;
  }

  deleteSession(session: string): void {
    const prefix = `${session}:`;
    this.db.prepare('DELETE FROM idempotency_keys WHERE substr(scope, 1, ?) = ?').run(prefix.length, prefix);
  }
}

function toRecord(row: Row): IdempotencyRecord {
  return {
    scope: row.scope,
    key: row.key,
    fingerprint: row.fingerprint,
    answer: row.answer === null ? null : (JSON.parse(row.answer) as StoredAnswer),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}
