import Database from 'better-sqlite3';
import type { EventEmitter2 } from '@nestjs/event-emitter';
import { IdempotencyModule } from '../src/idempotency/idempotency.module.js';
import { IDEMPOTENCY_SCHEMA_SQL, SqliteIdempotencyRepository } from '../src/idempotency/idempotency.sqlite.js';
import { OutboxModule } from '../src/outbox/outbox.module.js';
import { OUTBOX_SCHEMA_SQL, SqliteOutboxRepository } from '../src/outbox/outbox.sqlite.js';

/** A database with the idempotency and outbox schemas, as the migrations will create it. */
export function outboxDatabase(): Database.Database {
  const db = new Database(':memory:');
  db.exec(IDEMPOTENCY_SCHEMA_SQL);
  db.exec(OUTBOX_SCHEMA_SQL);
  return db;
}

/** The modules the app does not wire yet, on `db` (for createTestApp's `imports`). */
export function outboxModules(db: Database.Database) {
  return [
    IdempotencyModule.register({ repository: { useFactory: () => new SqliteIdempotencyRepository(db) } }),
    OutboxModule.register({ repository: { useFactory: () => new SqliteOutboxRepository(db) } }),
  ];
}

/** Collects `count` events of `topic`; throws after `timeoutMs`, saying how many it saw. */
export function collect<T>(bus: EventEmitter2, topic: string, count: number, timeoutMs: number): Promise<T[]> {
  const seen: T[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      bus.off(topic, listener);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${count} ${topic} events; saw ${seen.length}`));
    }, timeoutMs);
    const listener = (payload: T) => {
      seen.push(payload);
      if (seen.length < count) return;
      clearTimeout(timer);
      bus.off(topic, listener);
      resolve(seen);
    };
    bus.on(topic, listener);
  });
}
