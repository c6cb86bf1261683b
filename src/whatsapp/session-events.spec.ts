import { Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { fakeMessage, FakeWhatsApp, fakeSession, reachState } from '../../test/fake-whatsapp.js';
import { tempDir } from '../../test/temp-dirs.js';
import { loadAppConfig } from '../config/app-config.js';
import type { ChatMessage } from './whatsapp-client.port.js';
import { WhatsAppTopic } from './whatsapp-events.js';

Logger.overrideLogger(false);

function setup() {
  const config = loadAppConfig({
    WHATSAPP_AUTH_DIR: tempDir('wa-events-'),
    WHATSAPP_CHROME_EXECUTABLE: process.execPath,
    WHATSAPP_TERMINAL_QR: 'false',
    WHATSAPP_RESTART_MIN_MS: '60000',
    WHATSAPP_RESTART_MAX_MS: '60000',
  });
  const fake = new FakeWhatsApp();
  const bus = new EventEmitter2({ wildcard: false });
  const heard: { topic: string; payload: Record<string, unknown> }[] = [];
  for (const topic of Object.values(WhatsAppTopic)) bus.on(topic, (payload: Record<string, unknown>) => heard.push({ topic, payload }));
  const session = fakeSession(config, fake, { bus });
  return { fake, session, heard, of: (topic: string) => heard.filter((h) => h.topic === topic) };
}

const message: ChatMessage = { ...fakeMessage('15551234567@c.us', 1), chat_id: '15551234567@c.us' };
const own: ChatMessage = {
  ...fakeMessage('15551234567@c.us', 2, { from_me: true, from: '15550001111@c.us', to: '15551234567@c.us' }),
  chat_id: '15551234567@c.us',
};

describe('a session publishes on the bus', () => {
  it('every state change, once, with the previous state and the status object', async () => {
    const { fake, session, of } = setup();
    fake.startMode = 'saved';
    await session.start();
    await reachState(session, 'ready');
    const changes = of(WhatsAppTopic.status).map(({ payload }) => payload);
    expect(changes.map((c) => `${String(c.previous)}->${(c.status as { state: string }).state}`)).toEqual([
      'stopped->starting',
      'starting->authenticated',
      'authenticated->ready',
    ]);
    expect(changes.at(-1)).toEqual({ session: 'default', at: expect.any(Date), previous: 'authenticated', status: session.status() });
  });

  it('each message event of the current client, once, under its topic', async () => {
    const { fake, session, heard } = setup();
    fake.startMode = 'saved';
    await session.start();
    await reachState(session, 'ready');
    heard.length = 0;
    const client = fake.current;
    client.emit('message', message);
    client.emit('message_create', own);
    client.emit('message_ack', { id: own.id, chat_id: own.chat_id, ack: 'read' });
    client.emit('message_revoke_everyone', { id: message.id, chat_id: message.chat_id });
    client.emit('message_edit', { id: own.id, chat_id: own.chat_id, body: 'edited' });
    client.emit('message_reaction', { id: message.id, chat_id: message.chat_id, from: '15551234567@c.us', reaction: '👍' });
    const base = { session: 'default', at: expect.any(Date) };
    expect(heard).toEqual([
      { topic: WhatsAppTopic.received, payload: { ...base, message } },
      { topic: WhatsAppTopic.created, payload: { ...base, message: own } },
      { topic: WhatsAppTopic.ack, payload: { ...base, id: own.id, chat_id: own.chat_id, ack: 'read' } },
      { topic: WhatsAppTopic.revoked, payload: { ...base, id: message.id, chat_id: message.chat_id } },
      { topic: WhatsAppTopic.edited, payload: { ...base, id: own.id, chat_id: own.chat_id, body: 'edited' } },
      {
        topic: WhatsAppTopic.reaction,
        payload: { ...base, id: message.id, chat_id: message.chat_id, from: '15551234567@c.us', reaction: '👍' },
      },
    ]);
  });

  it('nothing from a client that is no longer the current one', async () => {
    const { fake, session, heard, of } = setup();
    fake.startMode = 'saved';
    await session.start();
    await reachState(session, 'ready');
    const old = fake.current;
    old.emit('disconnected', 'CONFLICT');
    await session.settled();
    await session.start();
    await reachState(session, 'ready');
    heard.length = 0;
    old.emit('message', message);
    old.emit('ready');
    expect(heard).toEqual([]);
    fake.current.emit('message', message);
    expect(of(WhatsAppTopic.received)).toHaveLength(1);
  });
});
