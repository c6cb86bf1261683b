import type { WhatsAppService } from '../whatsapp/whatsapp.service.js';
import type { MessageSummary } from '../whatsapp/whatsapp-client.port.js';
import type { ChatInfo } from './message-store.repository.js';
import type { HistorySource } from './store-backfill.js';

/** The backfill's history, read from a session's client; a read that the client's crash interrupts is retried by `use`. */
export class WhatsAppHistorySource implements HistorySource {
  constructor(
    private readonly whatsapp: WhatsAppService,
    private readonly session: string,
  ) {}

  async chats(limit: number): Promise<ChatInfo[]> {
    const chats = await this.whatsapp.session(this.session).use((client) => client.getChats(limit), true);
    return chats.map(({ id, name, is_group, timestamp }) => ({ id, name, is_group, timestamp }));
  }

  async messages(chatId: string, limit: number): Promise<MessageSummary[]> {
    const found = await this.whatsapp.session(this.session).use((client) => client.getChatMessages(chatId, limit), true);
    return found?.messages ?? [];
  }
}
