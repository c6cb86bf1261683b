import type { ClientState, ClientStatus } from './client-status.js';
import type { ChatMessage, MessageAck, MessageEdit, MessageReaction, MessageRevoke } from './whatsapp-client.port.js';

/**
 * The topics each session publishes on the one in-process bus (`EventEmitter2` of
 * `@nestjs/event-emitter`); listeners subscribe with `@OnEvent(WhatsAppTopic.received)`. Events
 * flow one way: adapter → session → bus → listeners (metrics, store, webhooks, streams, MCP).
 * Emission is synchronous, so a listener that must run first (storing an event) sees it before
 * anything asynchronous happens.
 */
export const WhatsAppTopic = {
  /** Every state change of a session. */
  status: 'whatsapp.status',
  /** A message from someone else. */
  received: 'whatsapp.message.received',
  /** A message this account created (through us or from the phone). */
  created: 'whatsapp.message.created',
  ack: 'whatsapp.message.ack',
  revoked: 'whatsapp.message.revoked',
  edited: 'whatsapp.message.edited',
  reaction: 'whatsapp.message.reaction',
  /**
   * The account is gone from this server: logged out here, or the device was removed on the phone.
   * Unlike a `stopped` status (also a shutdown), this is when the account's stored data is deleted.
   */
  unlinked: 'whatsapp.session.unlinked',
  /**
   * The session was deleted (DELETE /api/sessions/{name}), after its logout: every feature drops
   * what it keeps for it (queued sends, idempotency keys, cached media).
   */
  removed: 'whatsapp.session.removed',
} as const;
export type WhatsAppTopicName = (typeof WhatsAppTopic)[keyof typeof WhatsAppTopic];

interface Base {
  /** The session (account) the event belongs to. */
  session: string;
  /** When the server saw it happen. */
  at: Date;
}

export interface WhatsAppEventPayloads {
  'whatsapp.status': Base & { previous: ClientState; status: ClientStatus };
  'whatsapp.message.received': Base & { message: ChatMessage };
  'whatsapp.message.created': Base & { message: ChatMessage };
  'whatsapp.message.ack': Base & MessageAck;
  'whatsapp.message.revoked': Base & MessageRevoke;
  'whatsapp.message.edited': Base & MessageEdit;
  'whatsapp.message.reaction': Base & MessageReaction;
  'whatsapp.session.unlinked': Base & { reason: 'logout' | 'unlinked' };
  'whatsapp.session.removed': Base;
}
