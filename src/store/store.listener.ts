import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { WhatsAppTopic, type WhatsAppEventPayloads } from '../whatsapp/whatsapp-events.js';
import { MessageStoreRepository } from './message-store.repository.js';

type Payload<T extends keyof WhatsAppEventPayloads> = WhatsAppEventPayloads[T];

/**
 * Keeps the store exact from the bus. The bus emits synchronously, so each message is stored
 * before the producer moves on; a failure here is caught and logged by the event-emitter module
 * (`suppressErrors`, its default) and never reaches the session that published the event.
 */
@Injectable()
export class StoreListener {
  constructor(private readonly store: MessageStoreRepository) {}

  @OnEvent(WhatsAppTopic.received)
  onReceived({ session, message }: Payload<typeof WhatsAppTopic.received>): void {
    this.store.upsertMessage(session, message);
  }

  @OnEvent(WhatsAppTopic.created)
  onCreated({ session, message }: Payload<typeof WhatsAppTopic.created>): void {
    this.store.upsertMessage(session, message);
  }

  @OnEvent(WhatsAppTopic.ack)
  onAck({ session, id, ack }: Payload<typeof WhatsAppTopic.ack>): void {
    this.store.applyAck(session, id, ack);
  }

  @OnEvent(WhatsAppTopic.edited)
  onEdited({ session, id, body }: Payload<typeof WhatsAppTopic.edited>): void {
    this.store.applyEdit(session, id, body);
  }

  @OnEvent(WhatsAppTopic.revoked)
  onRevoked({ session, id }: Payload<typeof WhatsAppTopic.revoked>): void {
    this.store.applyRevoke(session, id);
  }

  @OnEvent(WhatsAppTopic.reaction)
  onReaction({ session, id, from, reaction }: Payload<typeof WhatsAppTopic.reaction>): void {
    this.store.applyReaction(session, id, from, reaction);
  }
}
