import { Injectable } from '@nestjs/common';
import type { Statement } from 'better-sqlite3';
import { SqliteConnection } from '../database/sqlite-connection.js';
import type { EventEnvelope, EventType } from './event-envelope.js';
import { EventsRepository, type EventPage } from './events.repository.js';

interface Row {
  id: string;
  type: EventType;
  session: string;
  timestamp: string;
  data: string;
}

const toEnvelope = (row: Row): EventEnvelope => ({ ...row, data: JSON.parse(row.data) as Record<string, unknown> });

@Injectable()
export class SqliteEventsRepository extends EventsRepository {
  /** Prepared once per open database (the connection outlives none of them). */
  private insert: Statement | null = null;

  constructor(private readonly connection: SqliteConnection) {
    super();
  }

  append(event: EventEnvelope): void {
    this.insert ??= this.connection.db.prepare('INSERT INTO events (id, type, session, timestamp, data) VALUES (?, ?, ?, ?, ?)');
    this.insert.run(event.id, event.type, event.session, event.timestamp, JSON.stringify(event.data));
  }

  override appendAll(events: readonly EventEnvelope[], alongside: () => void): void {
    this.connection.db.transaction(() => super.appendAll(events, alongside))();
  }

  list({ after, types, limit, session }: EventPage): EventEnvelope[] {
    const typeFilter = types.length > 0 ? `AND type IN (${types.map(() => '?').join(', ')})` : '';
    const sessionFilter = session === undefined ? '' : 'AND session = ?';
    const rows = this.connection.db
      .prepare(`SELECT id, type, session, timestamp, data FROM events WHERE id > ? ${typeFilter} ${sessionFilter} ORDER BY id LIMIT ?`)
      .all(after ?? '', ...types, ...(session === undefined ? [] : [session]), limit) as Row[];
    return rows.map(toEnvelope);
  }

  lastId(): string | null {
    const row = this.connection.db.prepare('SELECT id FROM events ORDER BY id DESC LIMIT 1').get() as { id: string } | undefined;
    return row?.id ?? null;
  }

  deleteSession(session: string): void {
    this.connection.db.prepare('DELETE FROM events WHERE session = ?').run(session);
  }

  deleteBefore(id: string): number {
    return this.connection.db.prepare('DELETE FROM events WHERE id < ?').run(id).changes;
  }
}
