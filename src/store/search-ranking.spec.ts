import Database from 'better-sqlite3';
import { migrate } from '../database/migrations.js';
import type { ChatMessage } from '../whatsapp/whatsapp-client.port.js';
import type { SearchFilters } from './message-store.repository.js';
import { RANKED_MATCHES, SqliteMessageStoreRepository } from './sqlite-message-store.repository.js';

const CHAT = '5511999990000@c.us';
const OTHER = '4915112345678@c.us';
const inDefault: SearchFilters = { session: 'default' };

/** Messages stored in this order; `timestamp` follows it, so stored later is also newer. */
function messages(bodies: string[], chatId = CHAT, first = 0): ChatMessage[] {
  return bodies.map((body, index) => ({
    id: `false_${chatId}_M${first + index}`,
    chat_id: chatId,
    from: chatId,
    to: 'me@c.us',
    author: null,
    from_me: false,
    type: 'chat',
    body,
    timestamp: 1_767_225_600 + first + index,
    has_media: false,
  }));
}

function allPages(store: SqliteMessageStoreRepository, query: string, limit: number, filters = inDefault, between?: () => void): string[] {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = store.search(query, filters, { limit, cursor });
    expect(page.results.length).toBeLessThanOrEqual(limit);
    ids.push(...page.results.map((hit) => hit.message.id));
    cursor = page.next_cursor ?? undefined;
    between?.();
  } while (cursor);
  return ids;
}

describe('search ranking of a common word (more matches than RANKED_MATCHES)', () => {
  const OLDER = 5;
  let db: Database.Database;
  let store: SqliteMessageStoreRepository;
  let stored: ChatMessage[];
  beforeEach(() => {
    db = new Database(':memory:');
    migrate(db);
    store = new SqliteMessageStoreRepository(db);
    // The first message stored is the most relevant of all, but too old to be among the ranked ones.
    const bodies = [
      'lunch lunch lunch',
      ...Array.from({ length: OLDER + RANKED_MATCHES - 1 }, (_, index) => `lunch and more words ${index}`),
    ];
    bodies[bodies.length - 10] = 'lunch lunch';
    stored = messages(bodies);
    store.upsertMessages('default', CHAT, stored);
  });
  afterEach(() => db.close());

  it('ranks the most recently stored matches by relevance, then gives the older ones newest stored first', () => {
    const ranked = stored.slice(OLDER).map((each) => each.id);
    const best = stored[stored.length - 10].id;
    const expected = [
      best,
      ...ranked.filter((id) => id !== best).reverse(),
      ...stored
        .slice(0, OLDER)
        .map((each) => each.id)
        .reverse(),
    ];
    expect(store.search('lunch', inDefault, { limit: 3 }).results.map((hit) => hit.message.id)).toEqual(expected.slice(0, 3));
    expect(allPages(store, 'lunch', 100)).toEqual(expected);
  });

  it.each([[100], [300], [999]])('pages through every match once with limit %i, across the end of the ranked ones', (limit) => {
    const ids = allPages(store, 'lunch', limit);
    expect(ids).toHaveLength(stored.length);
    expect(new Set(ids).size).toBe(stored.length);
  });

  it('keeps the pages stable while messages arrive: what is stored after the first page is not in this paging', () => {
    let added = 0;
    const ids = allPages(store, 'lunch', 500, inDefault, () => {
      store.upsertMessages('default', CHAT, messages(['lunch lunch lunch lunch'], CHAT, 10_000 + added));
      added += 1;
    });
    expect(ids).toHaveLength(stored.length);
    expect(new Set(ids)).toEqual(new Set(stored.map((each) => each.id)));
    expect(store.search('lunch', inDefault, { limit: 1 }).results[0].message.body).toBe('lunch lunch lunch lunch');
  });

  it('ranks every match when a filter leaves fewer than the cap: the old best one of a small chat comes first', () => {
    const small = messages(['lunch lunch lunch', 'lunch once more', 'lunch again'], OTHER, 20_000);
    store.upsertMessages('default', OTHER, small);
    store.upsertMessages(
      'default',
      CHAT,
      messages(
        Array.from({ length: RANKED_MATCHES }, () => 'lunch later'),
        CHAT,
        30_000,
      ),
    );
    // bm25 favours the shorter of two messages with the word once.
    expect(allPages(store, 'lunch', 2, { session: 'default', chatId: OTHER })).toEqual([small[0].id, small[2].id, small[1].id]);
  });
});
