import { createHash } from 'node:crypto';
import type { RpcMessage } from './control-server.js';
import { digits, nowSec, randomDigits, randomHex } from './ids.js';
import type { NetChat, NetMessage, SeedNames, SeedOptions, SentMessage } from './types.js';

const DEFAULT_NAMES: SeedNames = {
  chatName: (index, isGroup) => (isGroup ? `Group ${index + 1}` : `Contact ${index + 1}`),
  messageText: (_chat, message, chatName) => `Message ${message + 1} in ${chatName}`,
};

/** The WhatsApp network's memory: chats with their history, who is registered, and what the client sent. */
export class Network {
  private readonly chats = new Map<string, NetChat>();
  private readonly unregisteredNumbers = new Set<string>();
  private readonly sentLog: SentMessage[] = [];
  /** Uploaded files by their hash (base64 SHA-256), until a message carries them. */
  private readonly uploads = new Map<string, Buffer>();

  constructor(private readonly me: string) {}

  allChats(): NetChat[] {
    return [...this.chats.values()];
  }

  sent(): SentMessage[] {
    return [...this.sentLog];
  }

  setRegistered(numbers: string[], registered: boolean): void {
    for (const n of numbers) {
      if (registered) this.unregisteredNumbers.delete(digits(n));
      else this.unregisteredNumbers.add(digits(n));
    }
  }

  findMessage(id: string): { chat: NetChat; message: NetMessage } {
    for (const chat of this.chats.values()) {
      const message = chat.messages.find((m) => m.key === id);
      if (message) return { chat, message };
    }
    throw new Error(`phone: unknown message ${id}`);
  }

  /** A group by id or name; a new name creates it with the account and `member`, who joins an existing one too. */
  ensureGroup(group: string, member: string): NetChat {
    let chat = this.chats.get(group) ?? [...this.chats.values()].find((c) => c.isGroup && c.name === group);
    if (!chat) {
      if (group.endsWith('@g.us')) throw new Error(`unknown group ${group}`);
      chat = {
        id: `120363${randomDigits(12)}@g.us`,
        name: group,
        isGroup: true,
        participants: [this.me],
        creation: nowSec(),
        messages: [],
      };
      this.chats.set(chat.id, chat);
    }
    if (!chat.isGroup) throw new Error(`${group} is not a group`);
    if (!chat.participants.includes(member)) chat.participants.push(member);
    return chat;
  }

  ensureChat(chatId: string): NetChat {
    let chat = this.chats.get(chatId);
    if (!chat) {
      if (chatId.endsWith('@g.us')) throw new Error(`unknown group ${chatId}`);
      chat = { id: chatId, name: chatId.split('@')[0], isGroup: false, participants: [], creation: nowSec(), messages: [] };
      this.chats.set(chatId, chat);
    }
    return chat;
  }

  /** Chat as sent to the page: metadata plus the last `count` messages. */
  summary(chat: NetChat, count: number) {
    const last = chat.messages[chat.messages.length - 1];
    return {
      id: chat.id,
      name: chat.name,
      isGroup: chat.isGroup,
      participants: chat.participants,
      creation: chat.creation,
      t: last?.t ?? 0,
      messages: count > 0 ? chat.messages.slice(-count) : [],
    };
  }

  /**
   * Replaces the chats with `chats` chats of `messagesPerChat` messages (alternating incoming and
   * outgoing, strictly increasing past timestamps); returns them most-recent-first, as getChats() does.
   */
  seed({ chats, messagesPerChat, groups = 0, names = DEFAULT_NAMES }: SeedOptions): NetChat[] {
    this.chats.clear();
    const base = nowSec() - 3600;
    const out: NetChat[] = [];
    for (let i = 0; i < chats; i++) {
      const isGroup = i < groups;
      const contact = `1555${1000000 + i}@c.us`;
      const id = isGroup ? `1203630000000${String(100000 + i)}@g.us` : contact;
      const participants = isGroup ? [this.me, `1555${2000000 + i}@c.us`, `1555${3000000 + i}@c.us`] : [];
      const chat: NetChat = { id, name: names.chatName(i, isGroup), isGroup, participants, creation: base - 86400, messages: [] };
      const last = base - i * (messagesPerChat + 1);
      for (let j = 0; j < messagesPerChat; j++) {
        const fromMe = j % 2 === 1;
        const msgId = randomHex(16);
        const author = isGroup ? (fromMe ? this.me : participants[1 + (j % 2)]) : undefined;
        chat.messages.push({
          key: `${fromMe}_${id}_${msgId}` + (author ? `_${author}` : ''),
          msgId,
          chatId: id,
          fromMe,
          from: fromMe ? this.me : id,
          to: fromMe ? id : this.me,
          author: fromMe ? undefined : author,
          participant: author,
          body: names.messageText(i, j, chat.name),
          type: 'chat',
          t: last - (messagesPerChat - 1 - j),
        });
      }
      this.chats.set(id, chat);
      out.push(chat);
    }
    return out.map((c) => ({ ...c, messages: [...c.messages] }));
  }

  private sentMedia(media: { filehash: string; mimetype: string; filename?: string; size: number }) {
    const data = this.uploads.get(media.filehash);
    if (!data) throw new Error('send: a media message whose file was never uploaded');
    this.uploads.delete(media.filehash);
    return {
      mimetype: media.mimetype,
      filename: media.filename ?? null,
      size: data.length,
      sha256: createHash('sha256').update(data).digest('hex'),
    };
  }

  /** The page requests the network answers: sync, history, exists, chat, send; undefined for any other. */
  rpc(msg: RpcMessage): unknown {
    switch (msg.op) {
      case 'sync':
        return { chats: [...this.chats.values()].map((c) => this.summary(c, msg.count)).sort((a, b) => b.t - a.t) };
      case 'history': {
        const chat = this.chats.get(msg.chatId);
        if (!chat) return { messages: [] };
        const idx = msg.before ? chat.messages.findIndex((m) => m.key === msg.before) : chat.messages.length;
        const end = idx < 0 ? 0 : idx;
        return { messages: chat.messages.slice(Math.max(0, end - msg.count), end) };
      }
      case 'exists': {
        const [user, server] = String(msg.wid).split('@');
        const exists = server === 'c.us' && /^\d{5,15}$/.test(user) && !this.unregisteredNumbers.has(user);
        return { exists, wid: `${user}@c.us` };
      }
      case 'chat': {
        const chat = this.chats.get(msg.chatId);
        if (chat) return { chat: this.summary(chat, 0) };
        if (String(msg.chatId).endsWith('@g.us')) throw new Error(`unknown group ${msg.chatId}`);
        const [user] = String(msg.chatId).split('@');
        return { chat: { id: msg.chatId, name: user, isGroup: false, participants: [], t: 0, messages: [] } };
      }
      case 'upload': {
        const data = Buffer.from(String(msg.data), 'base64');
        if (createHash('sha256').update(data).digest('base64') !== msg.filehash)
          throw new Error('upload: the bytes do not match their hash');
        this.uploads.set(msg.filehash, data);
        return { directPath: `/v/t62.7119-24/${randomHex(16)}` };
      }
      case 'send': {
        const { media, ...m } = msg.message;
        const chat = this.ensureChat(m.chatId);
        chat.messages.push({ ...m, fromMe: true, participant: chat.isGroup ? this.me : undefined, ack: 1 });
        this.sentLog.push({
          id: m.key,
          to: m.chatId,
          body: m.body ?? '',
          type: m.type,
          timestamp: m.t,
          ...(media && { media: this.sentMedia(media) }),
        });
        return {};
      }
      default:
        return undefined;
    }
  }
}
