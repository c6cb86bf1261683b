import Database from 'better-sqlite3';
import type { AppConfig } from '../config/app-config.js';
import { migrate } from '../database/migrations.js';
import type { SqliteConnection } from '../database/sqlite-connection.js';
import type { EventEnvelope } from './event-envelope.js';
import { EventsService } from './events.service.js';
import { SqliteEventsRepository } from './sqlite-events.repository.js';

function setup() {
  const db = new Database(':memory:');
  migrate(db);
  const repository = new SqliteEventsRepository({ db } as SqliteConnection);
  const batches: number[] = [];
  const appendAll = repository.appendAll.bind(repository);
  repository.appendAll = (events, alongside) => {
    batches.push(events.length);
    appendAll(events, alongside);
  };
  const service = new EventsService({ eventRetentionHours: 24 } as AppConfig, repository);
  const heard: string[] = [];
  service.stored$.subscribe((event) => heard.push(event.id));
  const storedIds = () => (db.prepare('SELECT id FROM events ORDER BY id').all() as { id: string }[]).map((row) => row.id);
  const record = (n: number) => service.record('default', 'message.received', new Date(), { id: `m${n}`, body: `hello ${n}` });
  return { db, service, batches, heard, storedIds, record };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('EventsService', () => {
  it('stores a synchronous burst in one transaction, then announces each event in order', async () => {
    const t = setup();
    const ids = [1, 2, 3].map((n) => t.record(n).id);
    expect(t.heard).toEqual([]);
    await nextTurn();
    expect(t.batches).toEqual([3]);
    expect(t.storedIds()).toEqual(ids);
    expect(t.heard).toEqual(ids);
  });

  it('a read in the same stretch stores what waits first: it never misses an event recorded before it', () => {
    const t = setup();
    const first = t.record(1);
    expect(t.service.latestId()).toBe(first.id);
    const second = t.record(2);
    expect(t.service.list({ after: null, types: [], limit: 10 }).events.map((e) => e.id)).toEqual([first.id, second.id]);
    expect(t.heard).toEqual([first.id, second.id]);
  });

  it('commits what is written alongside with the events, and announces nothing once a write fails (none stored)', async () => {
    const t = setup();
    const written: string[][] = [];
    const stop = t.service.writeAlongside((events: readonly EventEnvelope[]) => {
      expect(t.db.inTransaction).toBe(true);
      written.push(events.map((e) => e.id));
    });
    const a = t.record(1);
    const b = t.record(2);
    await nextTurn();
    expect(written).toEqual([[a.id, b.id]]);

    stop();
    t.service.writeAlongside(() => {
      throw new Error('disk full');
    });
    const c = t.record(3);
    await nextTurn();
    expect(t.storedIds()).toEqual([a.id, b.id]);
    expect(t.heard).toEqual([a.id, b.id]);
    expect(c.id > b.id).toBe(true);
  });

  it('a burst whose transaction fails is stored one event at a time: only the event that cannot be stored is lost', async () => {
    const t = setup();
    t.service.writeAlongside((events: readonly EventEnvelope[]) => {
      if (events.some((e) => e.data.id === 'm2')) throw new Error('constraint failed');
    });
    const [a, , c] = [1, 2, 3].map((n) => t.record(n));
    await nextTurn();
    expect(t.batches).toEqual([3, 1, 1, 1]);
    expect(t.storedIds()).toEqual([a.id, c.id]);
    expect(t.heard).toEqual([a.id, c.id]);
  });
});
