import Database from 'better-sqlite3';
import { AppError } from '../common/app-error.js';
import { QUERY_NO_WORDS_RULE } from './search-query.js';
import { BEFORE_RULE, SqliteMessageStoreRepository } from './sqlite-message-store.repository.js';
import { migrate } from '../database/migrations.js';
import { bodies, CHAT, inDefault, message } from '../../test/stored-messages.js';

const OTHER = '4915112345678@c.us';

function openStore(): { db: Database.Database; store: SqliteMessageStoreRepository } {
  const db = new Database(':memory:');
  migrate(db);
  return { db, store: new SqliteMessageStoreRepository(db) };
}

describe('SqliteMessageStoreRepository', () => {
  let db: Database.Database;
  let store: SqliteMessageStoreRepository;
  beforeEach(() => ({ db, store } = openStore()));
  afterEach(() => db.close());

  it('folds case and diacritics: "reuniao" finds "reunião", "ZURICH" finds "Zürich"', () => {
    store.upsertMessage('default', message('Vamos marcar a reunião de amanhã?'));
    store.upsertMessage('default', message('Wir treffen uns in Zürich'));
    expect(bodies(store, 'reuniao')).toEqual(['Vamos marcar a reunião de amanhã?']);
    expect(bodies(store, 'ZURICH')).toEqual(['Wir treffen uns in Zürich']);
    expect(bodies(store, 'REUNIÃO amanha')).toEqual(['Vamos marcar a reunião de amanhã?']);
  });

  it('matches all words, a quoted phrase in order, and a prefix', () => {
    store.upsertMessage('default', message('the invoice is paid'));
    store.upsertMessage('default', message('paid the invoice'));
    store.upsertMessage('default', message('an invoicing question'));
    expect(bodies(store, 'invoice paid').sort()).toEqual(['paid the invoice', 'the invoice is paid']);
    expect(bodies(store, '"invoice is paid"')).toEqual(['the invoice is paid']);
    expect(bodies(store, 'invoic*').sort()).toEqual(['an invoicing question', 'paid the invoice', 'the invoice is paid']);
    expect(bodies(store, 'invoic')).toEqual([]);
  });

  it('answers every hostile query with results or invalid_input, never an SQLite error', () => {
    store.upsertMessage('default', message('NEAR the body: (a AND b) OR -c "quoted" ^start'));
    const hostile = [
      'NEAR',
      'NEAR(a b)',
      'body:near',
      'a AND',
      'OR',
      '(a',
      'a)',
      '-c',
      '"unbalanced',
      'x" y "z',
      '^start',
      '*',
      'a*b*',
      'a\u0000b',
      '\u0000',
      '{body}: a',
      'rowid:1',
      '"""',
      "'; DROP TABLE store_messages; --",
      'a'.repeat(1024),
      'x '.repeat(512),
      'word '.repeat(2048),
      '🙂',
      '-',
    ];
    for (const query of hostile) {
      try {
        expect(Array.isArray(store.search(query, inDefault, { limit: 20 }).results)).toBe(true);
      } catch (error) {
        expect(error).toBeInstanceOf(AppError);
        expect((error as AppError).code).toBe('invalid_input');
      }
    }
    expect(bodies(store, 'NEAR (a b)')).toEqual(['NEAR the body: (a AND b) OR -c "quoted" ^start']);
    expect(bodies(store, 'body: -c')).toEqual(['NEAR the body: (a AND b) OR -c "quoted" ^start']);
    expect(() => store.search('( - )', inDefault, { limit: 20 })).toThrow(QUERY_NO_WORDS_RULE);
    expect(db.prepare('SELECT count(*) AS n FROM store_messages').get()).toEqual({ n: 1 });
  });

  it('ranks by relevance, then newest, and pages with a cursor without gaps or repeats', () => {
    const stored = Array.from({ length: 7 }, (_, index) => message(index === 3 ? 'lunch lunch lunch' : `lunch number ${index}`));
    for (const each of stored) store.upsertMessage('default', each);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = store.search('lunch', inDefault, { limit: 3, cursor });
      seen.push(...page.results.map((hit) => hit.message.id));
      cursor = page.next_cursor ?? undefined;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    const rest = stored
      .filter((_, index) => index !== 3)
      .reverse()
      .map((each) => each.id);
    expect(seen).toEqual([stored[3].id, ...rest]);
  });

  it('marks the match in the snippet and names the chat', () => {
    store.upsertChats('default', [{ id: CHAT, name: 'Ana', is_group: false, timestamp: 1 }]);
    store.upsertMessage('default', message('Ana sent the invoice yesterday'));
    const [hit] = store.search('invoice', inDefault, { limit: 1 }).results;
    expect(hit.snippet).toBe('Ana sent the **invoice** yesterday');
    expect(hit.chat).toEqual({ id: CHAT, name: 'Ana' });
    expect(hit.message).toMatchObject({ chat_id: CHAT, ack: 'device', edited: false, revoked: false, reactions: {} });
  });

  it("gives every hit its own message's snippet, on every page and for a prefix", () => {
    const texts = ['first invoice from Ana', 'second invoice, paid by Bruno', 'third invoice for Carla', 'an invoicing question'];
    for (const text of texts) store.upsertMessage('default', message(text));
    store.upsertMessage('default', message('nothing to see here'));
    for (const query of ['invoice', 'invoic*', 'in*']) {
      const first = store.search(query, inDefault, { limit: 2 });
      const second = store.search(query, inDefault, { limit: 2, cursor: first.next_cursor ?? undefined });
      const hits = [...first.results, ...second.results];
      expect(hits).toHaveLength(query === 'invoice' ? 3 : 4);
      for (const hit of hits) expect(hit.snippet.replaceAll('**', '')).toBe(hit.message.body);
      expect(hits.every((hit) => /\*\*invoic(e|ing)\*\*/.test(hit.snippet))).toBe(true);
    }
  });

  it('indexes a message seen twice in one write batch once, with its latest text', () => {
    const first = message('draft about the quarterly budget');
    store.upsertMessages('default', CHAT, [first, { ...first, body: 'final text about the annual report' }, message('the annual party')]);
    expect(bodies(store, 'quarterly')).toEqual([]);
    expect(bodies(store, 'annual').sort()).toEqual(['final text about the annual report', 'the annual party']);
    expect(() => db.prepare("INSERT INTO store_messages_fts (store_messages_fts, rank) VALUES ('integrity-check', 1)").run()).not.toThrow();
  });

  it('filters by chat, sender side, time and session', () => {
    const first = message('report one', { from_me: true });
    const second = message('report two', { chat_id: OTHER });
    const third = message('report three');
    for (const each of [first, second, third]) store.upsertMessage('default', each);
    store.upsertMessage('work', message('report four'));
    expect(bodies(store, 'report', { session: 'default', chatId: OTHER })).toEqual(['report two']);
    expect(bodies(store, 'report', { session: 'default', fromMe: true })).toEqual(['report one']);
    expect(bodies(store, 'report', { session: 'default', fromMe: false })).toEqual(['report three', 'report two']);
    expect(bodies(store, 'report', { session: 'default', after: second.timestamp, before: third.timestamp })).toEqual(['report two']);
    expect(bodies(store, 'report', { session: 'work' })).toEqual(['report four']);
  });

  it('refuses a malformed cursor with invalid_input', () => {
    store.upsertMessage('default', message('hello'));
    expect(() => store.search('hello', inDefault, { limit: 5, cursor: 'bm90IGEgY3Vyc29y' })).toThrow(AppError);
  });

  it('keeps acks moving forward only; error only replaces pending', () => {
    const sent = message('on its way', { from_me: true });
    store.upsertMessage('default', sent);
    const ackOf = (): string | undefined => store.get('default', sent.id)?.ack;
    expect(ackOf()).toBe('pending');
    expect(store.applyAck('default', sent.id, 'read')).toBe(true);
    expect(store.applyAck('default', sent.id, 'server')).toBe(false);
    expect(store.applyAck('default', sent.id, 'error')).toBe(false);
    expect(ackOf()).toBe('read');
    expect(store.applyAck('default', sent.id, 'played')).toBe(true);
    expect(ackOf()).toBe('played');
    const failed = message('lost', { from_me: true });
    store.upsertMessage('default', failed);
    expect(store.applyAck('default', failed.id, 'error')).toBe(true);
    expect(store.get('default', failed.id)?.ack).toBe('error');
    expect(store.applyAck('default', 'unknown', 'read')).toBe(false);
  });

  it('re-indexes an edit and drops a revoked message from search, also when it is seen again', () => {
    const edited = message('see you at the bakery');
    const revoked = message('my secret bakery password');
    store.upsertMessage('default', edited);
    store.upsertMessage('default', revoked);
    expect(store.applyEdit('default', edited.id, 'see you at the station')).toBe(true);
    expect(store.applyRevoke('default', revoked.id)).toBe(true);
    expect(bodies(store, 'bakery')).toEqual([]);
    expect(bodies(store, 'station')).toEqual(['see you at the station']);
    store.upsertMessages('default', CHAT, [revoked]);
    expect(bodies(store, 'password')).toEqual([]);
    expect(store.get('default', revoked.id)).toMatchObject({ revoked: true, type: 'revoked', body: '' });
    expect(store.get('default', edited.id)).toMatchObject({ edited: true, body: 'see you at the station' });
    expect(store.applyEdit('default', revoked.id, 'back from the dead')).toBe(false);
    expect(db.prepare(`SELECT count(*) AS n FROM store_messages_fts WHERE store_messages_fts MATCH '"bakery"'`).get()).toEqual({ n: 0 });
  });

  it('records reactions per person; an empty reaction removes one', () => {
    const liked = message('good news');
    store.upsertMessage('default', liked);
    store.applyReaction('default', liked.id, 'a@c.us', '👍');
    store.applyReaction('default', liked.id, 'b@c.us', '❤️');
    store.applyReaction('default', liked.id, 'a@c.us', '');
    expect(store.get('default', liked.id)?.reactions).toEqual({ 'b@c.us': '❤️' });
    expect(store.applyReaction('default', 'unknown', 'a@c.us', '👍')).toBe(false);
  });

  it('pages a chat history backwards, oldest first in each page', () => {
    const stored = Array.from({ length: 5 }, (_, index) => message(`m${index}`));
    store.upsertMessages('default', CHAT, stored);
    const newest = store.history('default', CHAT, undefined, 2);
    expect(newest.messages.map((each) => each.body)).toEqual(['m3', 'm4']);
    expect(newest.next_before).toBe(stored[3].id);
    const older = store.history('default', CHAT, newest.next_before ?? undefined, 2);
    expect(older.messages.map((each) => each.body)).toEqual(['m1', 'm2']);
    const oldest = store.history('default', CHAT, older.next_before ?? undefined, 2);
    expect(oldest).toMatchObject({ next_before: null, chat: { id: CHAT, name: '', is_group: false } });
    expect(oldest.messages.map((each) => each.body)).toEqual(['m0']);
    expect(() => store.history('default', OTHER, stored[1].id, 2)).toThrow(BEFORE_RULE);
    expect(store.history('default', OTHER, undefined, 2)).toEqual({ chat: null, messages: [], next_before: null });
  });

  it('knows a chat first seen through a message, a group by its id, and names it from a chat listing', () => {
    const group = '120363000000000001@g.us';
    store.upsertMessage('default', message('hello group', { chat_id: group, timestamp: 500 }));
    expect(store.history('default', group, undefined, 1).chat).toEqual({ id: group, name: '', is_group: true, last_activity: 500 });
    store.upsertChats('default', [{ id: group, name: 'Team', is_group: true, timestamp: 400 }]);
    expect(store.history('default', group, undefined, 1).chat).toEqual({ id: group, name: 'Team', is_group: true, last_activity: 500 });
  });

  it('counts, wipes one session and deletes by age', () => {
    store.upsertMessage('default', message('old', { timestamp: 1_000 }));
    store.upsertMessage('default', message('new', { timestamp: 2_000_000_000 }));
    store.upsertMessage('work', message('kept', { timestamp: 2_000_000_000 }));
    expect(store.counts('default')).toEqual({ chats: 1, messages: 2 });
    expect(store.deleteOlderThan(30, new Date(2_000_000_000_000))).toBe(1);
    expect(bodies(store, 'old')).toEqual([]);
    store.deleteSession('default');
    expect(store.counts('default')).toEqual({ chats: 0, messages: 0 });
    expect(store.counts('work')).toEqual({ chats: 1, messages: 1 });
    expect(bodies(store, 'new')).toEqual([]);
  });

  it("keeps a message's media as WhatsApp announced it, and none for a text message", () => {
    const { store } = openStore();
    const media = { mimetype: 'image/jpeg', filename: null, size: 1234 };
    const photo = message('a caption', { type: 'image', has_media: true, media });
    const text = message('plain');
    store.upsertMessage('default', photo);
    store.upsertMessage('default', text);
    expect(store.get('default', photo.id)).toMatchObject({ has_media: true, media });
    expect(Object.keys(store.get('default', text.id)!)).not.toContain('media');
    store.upsertMessage('default', { ...photo, media: { ...media, size: 99 } });
    expect(store.get('default', photo.id)?.media).toEqual({ ...media, size: 99 });
  });
});
