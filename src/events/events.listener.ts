import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { describeError } from '../common/describe-error.js';
import { mediaUrl } from '../common/media-url.js';
import { OutboxTopic, type OutboxEventPayloads } from '../outbox/outbox-item.js';
import type { ChatMessage } from '../whatsapp/whatsapp-client.port.js';
import { WhatsAppTopic, type WhatsAppEventPayloads as Payloads } from '../whatsapp/whatsapp-events.js';
import type { EventType } from './event-envelope.js';
import { EventsService } from './events.service.js';
import { SentMessageRegistry } from './sent-message.registry.js';

/** A message with media carries where to download it, never the bytes. */
const withMediaUrl = (session: string, message: ChatMessage): Record<string, unknown> =>
  message.media ? { ...message, media_url: mediaUrl(session, message.id) } : { ...message };

/**
 * Maps every bus topic to the contract's event and stores it. Runs inside the session's
 * synchronous emit, so it never throws back into the session: a failure is logged (without the
 * message, whose text must never reach the logs) and the event is lost to the log only.
 */
@Injectable()
export class EventsListener {
  private readonly logger = new Logger('Events');

  constructor(
    private readonly events: EventsService,
    private readonly sent: SentMessageRegistry,
  ) {}

  @OnEvent(WhatsAppTopic.status)
  status({ session, at, status }: Payloads['whatsapp.status']): void {
    this.store(session, at, 'session.status', { ...status });
  }

  @OnEvent(WhatsAppTopic.received)
  received({ session, at, message }: Payloads['whatsapp.message.received']): void {
    this.store(session, at, 'message.received', withMediaUrl(session, message));
  }

  @OnEvent(WhatsAppTopic.created)
  created({ session, at, message }: Payloads['whatsapp.message.created']): void {
    // The library's message_create also fires for incoming messages; those are message.received.
    if (!message.from_me) return;
    this.store(session, at, 'message.sent', { ...withMediaUrl(session, message), source: this.sent.sourceOf(message) });
  }

  @OnEvent(WhatsAppTopic.ack)
  ack({ session, at, id, chat_id, ack }: Payloads['whatsapp.message.ack']): void {
    this.store(session, at, 'message.ack', { id, chat_id, ack });
  }

  @OnEvent(WhatsAppTopic.revoked)
  revoked({ session, at, id, chat_id }: Payloads['whatsapp.message.revoked']): void {
    this.store(session, at, 'message.revoked', { id, chat_id });
  }

  @OnEvent(WhatsAppTopic.edited)
  edited({ session, at, id, chat_id, body }: Payloads['whatsapp.message.edited']): void {
    this.store(session, at, 'message.edited', { id, chat_id, body });
  }

  @OnEvent(WhatsAppTopic.reaction)
  reaction({ session, at, id, chat_id, from, reaction }: Payloads['whatsapp.message.reaction']): void {
    this.store(session, at, 'message.reaction', { id, chat_id, from, reaction });
  }

  @OnEvent(OutboxTopic.failed)
  outboxFailed({ session, at, item }: OutboxEventPayloads['outbox.failed']): void {
    this.store(session, at, 'outbox.failed', { ...item });
  }

  private store(session: string, at: Date, type: EventType, data: Record<string, unknown>): void {
    try {
      this.events.record(session, type, at, data);
    } catch (error) {
      this.logger.error(`Could not store a ${type} event of session ${session}: ${describeError(error)}`);
    }
  }
}
