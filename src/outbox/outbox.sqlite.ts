import type { Database } from 'better-sqlite3';
import { OUTBOX_STATES, type OutboxRecord, type OutboxState } from './outbox-item.js';
import { type OutboxChange, OutboxRepository } from './outbox.repository.js';

/** For the migration list. `seq` orders items as they were accepted; times are epoch milliseconds. */

interface Row {
  id: string;
  session: string;
  recipient: string;
  message: string;
  state: OutboxState;
  message_id: string | null;
  error_code: string | null;
  error_message: string | null;
  attempts: number;
  not_before: number;
  created_at: number;
  updated_at: number;
}

export class SqliteOutboxRepository extends OutboxRepository {
  constructor(private readonly db: Database) {
    super();
  }

  insert(r: OutboxRecord): void {
    this.db
      .prepare(
        `INSERT INTO outbox_items (id, session, recipient, message, state, message_id, error_code, error_message, attempts, not_before, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        r.id,
        r.session,
        r.to,
        r.message,
        r.state,
        r.messageId,
        r.error?.code ?? null,
        r.error?.message ?? null,
        r.attempts,
        r.notBefore,
        r.createdAt,
        r.updatedAt,
      );
  }

  get(session: string, id: string): OutboxRecord | undefined {
    const row = this.db.prepare<[string, string], Row>('SELECT * FROM outbox_items WHERE session = ? AND id = ?').get(session, id);
    return row && toRecord(row);
  }

  list(session: string, state: OutboxState | undefined, limit: number): OutboxRecord[] {
    const rows = state
      ? this.db
          .prepare<[string, string, number], Row>('SELECT * FROM outbox_items WHERE session = ? AND state = ? ORDER BY seq DESC LIMIT ?')
          .all(session, state, limit)
      : this.db
          .prepare<[string, number], Row>('SELECT * FROM outbox_items WHERE session = ? ORDER BY seq DESC LIMIT ?')
          .all(session, limit);
    return rows.map(toRecord);
  }

  queuedRecipients(session: string): string[] {
    return this.db
      .prepare<[string], { recipient: string }>(
        "SELECT recipient FROM outbox_items WHERE session = ? AND state = 'queued' GROUP BY recipient ORDER BY MIN(seq)",
      )
      .all(session)
      .map((row) => row.recipient);
  }

  nextQueued(session: string, to: string): OutboxRecord | undefined {
    const row = this.db
      .prepare<[string, string], Row>(
        "SELECT * FROM outbox_items WHERE session = ? AND state = 'queued' AND recipient = ? ORDER BY seq LIMIT 1",
      )
      .get(session, to);
    return row && toRecord(row);
  }

  update(session: string, id: string, from: OutboxState, change: OutboxChange): OutboxRecord | undefined {
    const sets: string[] = ['updated_at = @updatedAt'];
    const values: Record<string, unknown> = { session, id, from, updatedAt: change.updatedAt };
    const column = { state: 'state', messageId: 'message_id', attempts: 'attempts', notBefore: 'not_before' } as const;
    for (const [field, name] of Object.entries(column)) {
      const value = change[field as keyof typeof column];
      if (value !== undefined) {
        sets.push(`${name} = @${field}`);
        values[field] = value;
      }
    }
    if (change.error !== undefined) {
      sets.push('error_code = @errorCode', 'error_message = @errorMessage');
      values.errorCode = change.error?.code ?? null;
      values.errorMessage = change.error?.message ?? null;
    }
    const { changes } = this.db
      .prepare(`UPDATE outbox_items SET ${sets.join(', ')} WHERE session = @session AND id = @id AND state = @from`)
      .run(values);
    return changes === 1 ? this.get(session, id) : undefined;
  }

  markInterrupted(session: string, now: number): OutboxRecord[] {
    return this.db
      .prepare<[number, string], Row>(
        "UPDATE outbox_items SET state = 'unknown', updated_at = ? WHERE session = ? AND state = 'sending' RETURNING *",
      )
      .all(now, session)
      .map(toRecord);
  }

  sessions(): string[] {
    return this.db
      .prepare<[], { session: string }>('SELECT DISTINCT session FROM outbox_items')
      .all()
      .map((row) => row.session);
  }

  deleteSession(session: string): void {
    this.db.prepare('DELETE FROM outbox_items WHERE session = ?').run(session);
  }

  countByState(session: string): Record<OutboxState, number> {
    const counts = Object.fromEntries(OUTBOX_STATES.map((state) => [state, 0])) as Record<OutboxState, number>;
    const rows = this.db
      .prepare<[string], { state: OutboxState; n: number }>(
        'SELECT state, COUNT(*) AS n FROM outbox_items WHERE session = ? GROUP BY state',
      )
      .all(session);
    for (const { state, n } of rows) counts[state] = n;
    return counts;
  }
}

function toRecord(row: Row): OutboxRecord {
  return {
    id: row.id,
    session: row.session,
    to: row.recipient,
    message: row.message,
    state: row.state,
    messageId: row.message_id,
    error: row.error_code === null ? null : { code: row.error_code, message: row.error_message ?? '' },
    attempts: row.attempts,
    notBefore: row.not_before,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
