import { Injectable } from '@nestjs/common';
import { AppError } from '../common/app-error.js';
import { SendLimits } from '../limits/send-limits.js';
import type { ChatSummary, MessageSummary } from '../whatsapp/whatsapp-client.port.js';
import { describe } from '../whatsapp/whatsapp-session.js';
import { WhatsAppService } from '../whatsapp/whatsapp.service.js';

export interface SendAnswer {
  ok: true;
  to: string;
  chat_id: string;
  message_id: string;
  timestamp: string;
}

export interface ChatsAnswer {
  ok: true;
  count: number;
  chats: ChatSummary[];
}

export interface MessagesAnswer {
  ok: true;
  chat: ChatSummary;
  count: number;
  messages: MessageSummary[];
}

/** Library failures during an operation are WhatsApp's, not ours: report them, never as a bare 500. */
function whatsappError(action: string) {
  return (error: unknown): never => {
    if (error instanceof AppError) throw error;
    throw new AppError('whatsapp_error', `WhatsApp Web failed to ${action}: ${describe(error)}`);
  };
}

/** Sending and reading. Inputs have passed the shared rules (DTOs); shared by REST and MCP. */
@Injectable()
export class MessagingService {
  constructor(
    private readonly whatsapp: WhatsAppService,
    private readonly limits: SendLimits,
  ) {}

  async send(phoneDigits: string, message: string): Promise<SendAnswer> {
    const client = await this.whatsapp.session().ensureReady();
    await this.limits.send(phoneDigits);
    const chatId = await client.getNumberId(phoneDigits).catch(whatsappError('look the number up'));
    if (!chatId) {
      throw new AppError('not_on_whatsapp', `${phoneDigits} is not on WhatsApp; nothing was sent.`);
    }
    const sent = await client.sendText(chatId, message).catch(whatsappError('send the message'));
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
    const chats = await client.getChats(limit).catch(whatsappError('list the chats'));
    return { ok: true, count: chats.length, chats };
  }

  async readMessages(phoneDigits: string, limit: number): Promise<MessagesAnswer> {
    const client = await this.whatsapp.session().ensureReady();
    const found = await client.getChatMessages(`${phoneDigits}@c.us`, limit).catch(whatsappError('read the messages'));
    if (!found) throw new AppError('chat_not_found', `There is no chat with ${phoneDigits}.`);
    return { ok: true, chat: found.chat, count: found.messages.length, messages: found.messages };
  }
}
