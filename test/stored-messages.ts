import type { SearchFilters } from '../src/store/message-store.repository.js';
import type { SqliteMessageStoreRepository } from '../src/store/sqlite-message-store.repository.js';
import type { ChatMessage } from '../src/whatsapp/whatsapp-client.port.js';

/** Messages for the store's specs: each a new id and a later timestamp, received in CHAT unless told otherwise. */
export const CHAT = '5511999990000@c.us';
let sequence = 0;

export function message(body: string, fields: Partial<ChatMessage> = {}): ChatMessage {
  sequence += 1;
  return {
    id: `false_${CHAT}_M${sequence}`,
    chat_id: CHAT,
    from: CHAT,
    to: 'me@c.us',
    author: null,
    from_me: false,
    type: 'chat',
    body,
    timestamp: 1_767_225_600 + sequence,
    has_media: false,
    ...fields,
  };
}

export const inDefault: SearchFilters = { session: 'default' };

/** The bodies a search finds, first page of up to 100. */
export const bodies = (store: SqliteMessageStoreRepository, query: string, filters = inDefault): string[] =>
  store.search(query, filters, { limit: 100 }).results.map((hit) => hit.message.body);
