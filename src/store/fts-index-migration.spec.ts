import Database from 'better-sqlite3';
import { MIGRATIONS, migrate } from '../database/migrations.js';
import { SqliteMessageStoreRepository } from './sqlite-message-store.repository.js';
import { bodies, CHAT, message } from '../../test/stored-messages.js';

describe('the full-text index rebuilt by migration 10', () => {
  it('keeps what an older version indexed findable, prefixes included, and the index exact', () => {
    const db = new Database(':memory:');
    try {
      migrate(
        db,
        MIGRATIONS.filter(({ version }) => version < 10),
      );
      // Stored the old way: through the insert trigger that migration 10 drops.
      const insert =
        db.prepare(`INSERT INTO store_messages (session, id, chat_id, from_id, to_id, from_me, type, body, timestamp, has_media, ack)
        VALUES ('default', ?, '${CHAT}', '${CHAT}', 'me@c.us', 0, 'chat', ?, 1767225600, 0, 1)`);
      insert.run('old-1', 'Überweisung erhalten, danke');
      insert.run('old-2', 'coffee tomorrow?');
      migrate(db);
      const store = new SqliteMessageStoreRepository(db);
      store.upsertMessage('default', message('a new coffee order'));
      expect(bodies(store, 'uberweisung')).toEqual(['Überweisung erhalten, danke']);
      expect(bodies(store, 'co*').sort()).toEqual(['a new coffee order', 'coffee tomorrow?']);
      expect(bodies(store, 'ub*')).toEqual(['Überweisung erhalten, danke']);
      expect(bodies(store, 'c*').sort()).toEqual(['a new coffee order', 'coffee tomorrow?']);
      expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'store_messages_fts_insert'").get()).toBeUndefined();
      // Searches of one to three letters and a star read one prefix list instead of merging every word's.
      expect(db.prepare("SELECT sql FROM sqlite_master WHERE name = 'store_messages_fts'").pluck().get()).toContain("prefix = '1 2 3'");
      expect(() =>
        db.prepare("INSERT INTO store_messages_fts (store_messages_fts, rank) VALUES ('integrity-check', 1)").run(),
      ).not.toThrow();
    } finally {
      db.close();
    }
  });
});
