import type { INestApplication } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { ClientStatus } from '../src/whatsapp/client-status.js';
import type { ChatMessage } from '../src/whatsapp/whatsapp-client.port.js';
import { WhatsAppTopic, type WhatsAppEventPayloads } from '../src/whatsapp/whatsapp-events.js';

/*
 * Publishing on the app's bus as a session does, so the event listeners are tested on their own.
 */

export const CHAT = '15551234567@c.us';

export function chatMessage(n: number, overrides: Partial<ChatMessage> = {}): ChatMessage {
  return {
    id: `false_${CHAT}_MSG${n}`,
    from: CHAT,
    to: '15550001111@c.us',
    author: null,
    from_me: false,
    type: 'chat',
    body: `message ${n}`,
    timestamp: 1_790_000_000 + n,
    has_media: false,
    chat_id: CHAT,
    ...overrides,
  };
}

export function statusObject(state: ClientStatus['state']): ClientStatus {
  return {
    state,
    ready: state === 'ready',
    authenticated: state === 'ready',
    auth_dir: '/tmp/auth',
    chrome_executable: null,
    headless: true,
    has_qr: false,
    last_error: null,
    account: null,
    session_saved: false,
    since: '2026-01-01T00:00:00.000Z',
    restarts: 0,
    next_restart_at: null,
    store: null,
  };
}

type Payload<T extends keyof WhatsAppEventPayloads> = Omit<WhatsAppEventPayloads[T], 'session' | 'at'> & { session?: string; at?: Date };

export interface Bus {
  publish<T extends keyof WhatsAppEventPayloads>(topic: T, payload: Payload<T>): void;
}

export function busOf(app: INestApplication): Bus {
  const emitter = app.get(EventEmitter2);
  return {
    publish(topic, payload) {
      emitter.emit(topic, { session: 'default', at: new Date(), ...payload });
    },
  };
}

/** One event of every topic, in the contract table's order. */
export function publishOneOfEach(bus: Bus, at: Date): void {
  bus.publish(WhatsAppTopic.received, { message: chatMessage(1), at });
  bus.publish(WhatsAppTopic.created, { message: chatMessage(2, { from_me: true, from: '15550001111@c.us', to: CHAT }), at });
  bus.publish(WhatsAppTopic.ack, { id: 'm2', chat_id: CHAT, ack: 'read', at });
  bus.publish(WhatsAppTopic.revoked, { id: 'm1', chat_id: CHAT, at });
  bus.publish(WhatsAppTopic.edited, { id: 'm2', chat_id: CHAT, body: 'edited text', at });
  bus.publish(WhatsAppTopic.reaction, { id: 'm2', chat_id: CHAT, from: CHAT, reaction: '👍', at });
  bus.publish(WhatsAppTopic.status, { previous: 'authenticated', status: statusObject('ready'), at });
}
