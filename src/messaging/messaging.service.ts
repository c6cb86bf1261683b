import { Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { AppError, PossiblySentError, whatsappFailure } from '../common/app-error.js';
import { SentMessageRegistry } from '../events/sent-message.registry.js';
import { RateLimits, type SendSlot } from '../limits/rate-limits.js';
import type { SentMessage, WhatsAppClient } from '../whatsapp/whatsapp-client.port.js';
import { DEFAULT_SESSION, WhatsAppService } from '../whatsapp/whatsapp.service.js';
import type { ChatsAnswer, MessagesAnswer, SendAnswer } from './messaging.answers.js';

/** What messaging publishes on the bus: the outcome of each send (metrics counts them). */
export const MessagingTopic = { sendOutcome: 'messaging.send.outcome' } as const;
/** `code` is the error code of a failed send (after input validation), null when it was sent. */
export interface SendOutcome {
  session: string;
  code: string | null;
}

/** Hands one message to a ready client, once its chat is known. */
export type Deliver = (client: WhatsAppClient, chatId: string) => Promise<SentMessage>;

/**
 * Readies one message once the send has passed every cheaper check (ready, sending limits, the number
 * looked up) and answers how to deliver it: the costly part of a send (fetching a media URL) goes here.
 */
export type Prepare = () => Promise<Deliver>;

/** A text needs nothing readied. */
function textDelivery(message: string): Prepare {
  const deliver: Deliver = (client, chatId) => client.sendText(chatId, message);
  return () => Promise.resolve(deliver);
}

/** Sending and reading. Inputs have passed the shared rules (DTOs); shared by REST and MCP. */
@Injectable()
export class MessagingService {
  constructor(
    private readonly whatsapp: WhatsAppService,
    private readonly limits: RateLimits,
    private readonly bus: EventEmitter2,
    private readonly sentMessages: SentMessageRegistry,
  ) {}

  /** Publishes its outcome: sent, or failed with the error code (after input validation). */
  send(phoneDigits: string, message: string, session = DEFAULT_SESSION): Promise<SendAnswer> {
    return this.sendWith(session, phoneDigits, message, textDelivery(message));
  }

  /**
   * The one sending path for every kind of message (text, media): ready, sending limits, the number
   * looked up, `prepare`, then its delivery. `body` is the text the library reports the message with
   * (a caption for media). A refusal from `prepare` has sent nothing but keeps the sending limits' slot: the number's
   * lookup before it was traffic to WhatsApp.
   */
  async sendWith(session: string, phoneDigits: string, body: string, prepare: Prepare): Promise<SendAnswer> {
    return (await this.published(session, () =>
      this.sendNow(
        { session, phoneDigits, body, prepare },
        () => this.limits.send(phoneDigits, session),
        () => true,
      ),
    ))!;
  }

  /**
   * The outbox's send: waits for a slot of the sending limits instead of refusing, and asks
   * `sending` once the number is looked up, the last moment at which a failure surely sent nothing;
   * when it answers false (the item was cancelled meanwhile) nothing is sent and the answer is null.
   */
  sendQueued(session: string, phoneDigits: string, message: string, sending: () => boolean): Promise<SendAnswer | null> {
    return this.published(session, () =>
      this.sendNow(
        { session, phoneDigits, body: message, prepare: textDelivery(message) },
        () => this.limits.sendWhenAllowed(phoneDigits, session),
        sending,
      ),
    );
  }

  private async published(session: string, send: () => Promise<SendAnswer | null>): Promise<SendAnswer | null> {
    try {
      const answer = await send();
      if (answer) this.bus.emit(MessagingTopic.sendOutcome, { session, code: null } satisfies SendOutcome);
      return answer;
    } catch (error) {
      this.bus.emit(MessagingTopic.sendOutcome, {
        session,
        code: error instanceof AppError ? error.code : 'internal',
      } satisfies SendOutcome);
      throw error;
    }
  }

  private async sendNow(
    { session: name, phoneDigits, body, prepare }: { session: string; phoneDigits: string; body: string; prepare: Prepare },
    takeSlot: () => Promise<SendSlot>,
    sending: () => boolean,
  ): Promise<SendAnswer | null> {
    const session = this.whatsapp.session(name);
    await session.ensureReady();
    await takeSlot();
    // A lookup has sent nothing, so it may be repeated after a crash; a send never is.
    const chatId = await session.use((client) => client.getNumberId(phoneDigits), true).catch(whatsappFailure('look the number up'));
    if (!chatId) {
      throw new AppError('not_on_whatsapp', `${phoneDigits} is not on WhatsApp; nothing was sent.`);
    }
    // A refusal here keeps its slot: the lookup was traffic to WhatsApp, which the limits pace (else a
    // URL that fails to fetch would look numbers up for free).
    const deliver = await prepare();
    // A send cancelled now keeps its slot too: its number was looked up.
    if (!sending()) return null;
    // Recorded before the client is called: the library may report the message before it answers.
    const ticket = this.sentMessages.begin(chatId, body);
    const sent = await session
      .use((client) => deliver(client, chatId), false)
      .catch((error: unknown) => {
        ticket.failed();
        try {
          return whatsappFailure('send the message')(error);
        } catch (mapped) {
          throw mapped instanceof AppError ? new PossiblySentError(mapped) : mapped;
        }
      });
    ticket.sent(sent.id);
    const seconds = sent.timestamp || Date.now() / 1000;
    return {
      ok: true,
      to: phoneDigits,
      chat_id: chatId,
      message_id: sent.id,
      timestamp: new Date(seconds * 1000).toISOString(),
    };
  }

  async listChats(limit: number, session = DEFAULT_SESSION): Promise<ChatsAnswer> {
    const chats = await this.whatsapp
      .session(session)
      .use((client) => client.getChats(limit), true)
      .catch(whatsappFailure('list the chats'));
    return { ok: true, count: chats.length, chats };
  }

  readMessages(phoneDigits: string, limit: number, session = DEFAULT_SESSION): Promise<MessagesAnswer> {
    return this.chatMessages(session, `${phoneDigits}@c.us`, limit, `There is no chat with ${phoneDigits}.`);
  }

  /** Any chat (a group too), by its id. */
  readChat(chatId: string, limit: number, session = DEFAULT_SESSION): Promise<MessagesAnswer> {
    return this.chatMessages(session, chatId, limit, `There is no chat ${chatId}.`);
  }

  private async chatMessages(session: string, chatId: string, limit: number, notFound: string): Promise<MessagesAnswer> {
    const found = await this.whatsapp
      .session(session)
      .use((client) => client.getChatMessages(chatId, limit), true)
      .catch(whatsappFailure('read the messages'));
    if (!found) throw new AppError('chat_not_found', notFound);
    return { ok: true, chat: found.chat, count: found.messages.length, messages: found.messages };
  }
}
