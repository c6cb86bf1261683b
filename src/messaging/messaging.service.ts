import { Injectable } from '@nestjs/common';
import { AppError, whatsappFailure } from '../common/app-error.js';
import { RateLimits } from '../limits/rate-limits.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { WhatsAppService } from '../whatsapp/whatsapp.service.js';
import type { ChatsAnswer, MessagesAnswer, SendAnswer } from './messaging.answers.js';

/** Sending and reading. Inputs have passed the shared rules (DTOs); shared by REST and MCP. */
@Injectable()
export class MessagingService {
  constructor(
    private readonly whatsapp: WhatsAppService,
    private readonly limits: RateLimits,
    private readonly metrics: MetricsService,
  ) {}

  /** Counted in the metrics: sent, or failed with the error code (after input validation). */
  async send(phoneDigits: string, message: string): Promise<SendAnswer> {
    try {
      const answer = await this.sendNow(phoneDigits, message);
      this.metrics.messageSent();
      return answer;
    } catch (error) {
      this.metrics.messageFailed(error instanceof AppError ? error.code : 'internal');
      throw error;
    }
  }

  private async sendNow(phoneDigits: string, message: string): Promise<SendAnswer> {
    const client = await this.whatsapp.session().ensureReady();
    await this.limits.send(phoneDigits);
    const chatId = await client.getNumberId(phoneDigits).catch(whatsappFailure('look the number up'));
    if (!chatId) {
      throw new AppError('not_on_whatsapp', `${phoneDigits} is not on WhatsApp; nothing was sent.`);
    }
    const sent = await client.sendText(chatId, message).catch(whatsappFailure('send the message'));
    const seconds = sent.timestamp || Date.now() / 1000;
    return {
      ok: true,
      to: phoneDigits,
      chat_id: chatId,
      message_id: sent.id,
      timestamp: new Date(seconds * 1000).toISOString(),
    };
  }

  async listChats(limit: number): Promise<ChatsAnswer> {
    const client = await this.whatsapp.session().ensureReady();
    const chats = await client.getChats(limit).catch(whatsappFailure('list the chats'));
    return { ok: true, count: chats.length, chats };
  }

  async readMessages(phoneDigits: string, limit: number): Promise<MessagesAnswer> {
    const client = await this.whatsapp.session().ensureReady();
    const found = await client.getChatMessages(`${phoneDigits}@c.us`, limit).catch(whatsappFailure('read the messages'));
    if (!found) throw new AppError('chat_not_found', `There is no chat with ${phoneDigits}.`);
    return { ok: true, chat: found.chat, count: found.messages.length, messages: found.messages };
  }
}
