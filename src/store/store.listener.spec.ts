import { EventEmitter2, EventEmitterModule } from '@nestjs/event-emitter';
import { Test, type TestingModule } from '@nestjs/testing';
import Database from 'better-sqlite3';
import type { ChatMessage } from '../whatsapp/whatsapp-client.port.js';
import { WhatsAppTopic, type WhatsAppEventPayloads, type WhatsAppTopicName } from '../whatsapp/whatsapp-events.js';
import { MessageStoreRepository } from './message-store.repository.js';
import { SqliteMessageStoreRepository } from './sqlite-message-store.repository.js';
import { migrate } from '../database/migrations.js';
import { StoreListener } from './store.listener.js';

const CHAT = '351912345678@c.us';
const at = new Date('2026-01-01T00:00:00Z');

const sent: ChatMessage = {
  id: `true_${CHAT}_A1`,
  chat_id: CHAT,
  from: 'me@c.us',
  to: CHAT,
  author: null,
  from_me: true,
  type: 'chat',
  body: 'A fatura segue amanhã',
  timestamp: 1_767_225_600,
  has_media: false,
};

describe('StoreListener', () => {
  let moduleRef: TestingModule;
  let db: Database.Database;
  let store: MessageStoreRepository;
  let bus: EventEmitter2;
  const emit = <T extends WhatsAppTopicName>(topic: T, payload: Omit<WhatsAppEventPayloads[T], 'session' | 'at'>): void =>
    void bus.emit(topic, { session: 'default', at, ...payload });
  const found = (query: string): string[] =>
    store.search(query, { session: 'default' }, { limit: 10 }).results.map((hit) => hit.message.body);

  beforeEach(async () => {
    db = new Database(':memory:');
    migrate(db);
    moduleRef = await Test.createTestingModule({
      imports: [EventEmitterModule.forRoot()],
      providers: [StoreListener, { provide: MessageStoreRepository, useValue: new SqliteMessageStoreRepository(db) }],
    }).compile();
    moduleRef.useLogger(false);
    await moduleRef.init();
    store = moduleRef.get(MessageStoreRepository);
    bus = moduleRef.get(EventEmitter2);
  });
  afterEach(async () => {
    await moduleRef.close();
    db.close();
  });

  it('stores received and created messages, searchable at once', () => {
    const received = { ...sent, id: `false_${CHAT}_B2`, from: CHAT, to: 'me@c.us', from_me: false, body: 'Obrigado pela reunião' };
    emit(WhatsAppTopic.created, { message: sent });
    emit(WhatsAppTopic.received, { message: received });
    expect(found('fatura')).toEqual(['A fatura segue amanhã']);
    expect(found('reuniao')).toEqual(['Obrigado pela reunião']);
    expect(store.get('default', received.id)).toMatchObject({ from_me: false, ack: 'device' });
  });

  it('moves the ack forward only', () => {
    emit(WhatsAppTopic.created, { message: sent });
    const ack = (name: WhatsAppEventPayloads['whatsapp.message.ack']['ack']): void =>
      emit(WhatsAppTopic.ack, { id: sent.id, chat_id: CHAT, ack: name });
    const seen: string[] = [];
    for (const name of ['server', 'device', 'read', 'device', 'server', 'played', 'read'] as const) {
      ack(name);
      seen.push(store.get('default', sent.id)?.ack ?? 'missing');
    }
    expect(seen).toEqual(['server', 'device', 'read', 'read', 'read', 'played', 'played']);
  });

  it('re-indexes an edit, hides a revoke and records reactions', () => {
    emit(WhatsAppTopic.created, { message: sent });
    emit(WhatsAppTopic.edited, { id: sent.id, chat_id: CHAT, body: 'A fatura segue hoje' });
    expect(found('amanha')).toEqual([]);
    expect(found('hoje')).toEqual(['A fatura segue hoje']);
    emit(WhatsAppTopic.reaction, { id: sent.id, chat_id: CHAT, from: `${CHAT}`, reaction: '👍' });
    expect(store.get('default', sent.id)).toMatchObject({ edited: true, reactions: { [CHAT]: '👍' } });
    emit(WhatsAppTopic.revoked, { id: sent.id, chat_id: CHAT });
    expect(found('fatura')).toEqual([]);
    expect(store.get('default', sent.id)).toMatchObject({ revoked: true, body: '', type: 'revoked' });
  });

  it('keeps a store failure away from the publisher', () => {
    db.close();
    expect(() => emit(WhatsAppTopic.received, { message: sent })).not.toThrow();
  });
});
