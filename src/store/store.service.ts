import { Injectable } from '@nestjs/common';
import { AppError, invalidInput } from '../common/app-error.js';
import { AppConfig } from '../config/app-config.js';
import { DEFAULT_SESSION } from '../whatsapp/whatsapp.service.js';
import type { ChatHistoryDto } from './dto/chat-history.dto.js';
import { type SearchMessagesDto, searchFilters } from './dto/search-messages.dto.js';
import type { SearchToolDto } from './dto/search-tool.dto.js';
import { MessageStoreRepository } from './message-store.repository.js';
import { CHAT_ID_RULE, isChatId, isMessageId } from './search-rules.js';
import type { HistoryAnswer, SearchAnswer, StoredMessageAnswer } from './store.answers.js';

export const MESSAGE_ID_PARAM_RULE = 'message_id must be a message id';

/** Reading the store: search, a chat's stored history, one message. Shared by REST and MCP; works while WhatsApp is away. */
@Injectable()
export class StoreService {
  constructor(
    private readonly config: AppConfig,
    private readonly store: MessageStoreRepository,
  ) {}

  search(dto: SearchMessagesDto, session = DEFAULT_SESSION): SearchAnswer {
    this.ensureOn();
    const { results, next_cursor } = this.store.search(dto.q, searchFilters(dto, session), { limit: dto.limit, cursor: dto.cursor });
    return { ok: true, count: results.length, results, next_cursor };
  }

  /** The MCP search: each hit with `context` messages of its chat before and after it. */
  searchWithContext(dto: SearchToolDto, session = DEFAULT_SESSION): SearchAnswer {
    this.ensureOn();
    const chatId = dto.phone_number === undefined ? undefined : `${dto.phone_number}@c.us`;
    const { results, next_cursor } = this.store.search(dto.query, { session, chatId }, { limit: dto.limit });
    const withContext =
      dto.context > 0 ? results.map((hit) => ({ ...hit, context: this.store.around(session, hit.message.id, dto.context) })) : results;
    return { ok: true, count: results.length, results: withContext, next_cursor };
  }

  history(chatId: string, dto: ChatHistoryDto, session = DEFAULT_SESSION): HistoryAnswer {
    this.ensureOn();
    if (!isChatId(chatId)) throw invalidInput(CHAT_ID_RULE);
    const { chat, messages, next_before } = this.store.history(session, chatId, dto.before, dto.limit);
    if (!chat) throw new AppError('chat_not_found', `The store has no chat ${chatId}.`);
    return { ok: true, chat, count: messages.length, messages, next_before };
  }

  message(messageId: string, session = DEFAULT_SESSION): StoredMessageAnswer {
    this.ensureOn();
    if (!isMessageId(messageId)) throw invalidInput(MESSAGE_ID_PARAM_RULE);
    const message = this.store.get(session, messageId);
    if (!message) throw new AppError('message_not_found', `No stored message has the id ${messageId}.`);
    return { ok: true, message };
  }

  private ensureOn(): void {
    if (this.config.store === 'off') {
      throw new AppError(
        'store_disabled',
        'The message store is off (WHATSAPP_STORE=off): nothing is stored to search or read. Set WHATSAPP_STORE=sqlite to keep messages.',
      );
    }
  }
}
