import type wwebjs from 'whatsapp-web.js';
import type {
  AckName,
  ChatMessage,
  ChatSummary,
  MediaFile,
  MediaInfo,
  MessageAck,
  MessageEdit,
  MessageReaction,
  MessageRevoke,
  MediaSendOptions,
  MessageSummary,
  OutgoingMedia,
} from './whatsapp-client.port.js';

/*
 * The library's structures mapped to our port's types. Type-only imports: the library itself is
 * loaded by the adapter when the first client starts.
 */

export type Library = typeof wwebjs;
export type LibClient = InstanceType<Library['Client']>;
export type LibChat = Awaited<ReturnType<LibClient['getChats']>>[number];
export type LibMessage = Awaited<ReturnType<LibClient['sendMessage']>>;
/** A chat as WhatsApp Web serializes it for the library (window.WWebJS.getChatModel). */
export type ChatModel = { isGroup?: boolean } & Record<string, unknown>;
type ChatStructure = new (client: LibClient, data: ChatModel) => LibChat;
/** A key as it crosses from the page: a serialized id, or an object carrying one. */
type Key = string | { _serialized?: string; remote?: Key } | null | undefined;
/** The library's Reaction (message_reaction): `msgId` is the key of the message reacted to. */
export interface LibReaction {
  msgId: Key & { remote?: Key };
  senderId: string;
  reaction?: string | null;
}

/** The raw fields WhatsApp Web gives a media message (Message.rawData). */
interface RawMedia {
  mimetype?: unknown;
  filename?: unknown;
  size?: unknown;
}

/**
 * What WhatsApp announces of a message's file, from the raw message: only when it names a type
 * (every media message of WhatsApp Web does), so nothing is made up for one that does not.
 */
function mediaInfo(message: LibMessage): MediaInfo | undefined {
  const raw = (message.rawData ?? {}) as RawMedia;
  if (!message.hasMedia || typeof raw.mimetype !== 'string' || raw.mimetype === '') return undefined;
  return {
    mimetype: raw.mimetype,
    filename: typeof raw.filename === 'string' && raw.filename !== '' ? raw.filename : null,
    size: Number.isSafeInteger(raw.size) && (raw.size as number) >= 0 ? (raw.size as number) : null,
  };
}

export function toMessageSummary(message: LibMessage): MessageSummary {
  const media = mediaInfo(message);
  return {
    id: message.id._serialized,
    from: message.from,
    to: message.to,
    author: message.author ?? null,
    from_me: message.fromMe,
    type: message.type,
    body: message.body ?? '',
    timestamp: message.timestamp,
    has_media: message.hasMedia,
    ...(media && { media }),
  };
}

const SERIALIZED_MESSAGE_ID = /^(true|false)_[^_]+_[^_]+(_[^_]+)?$/;

/**
 * A message's file through the library's own downloadMedia (WhatsApp Web's download manager
 * fetches and decrypts it in the page); null when the message is unknown, has no media, or the
 * phone no longer has it.
 */
export async function downloadMessageMedia(lib: LibClient, messageId: string): Promise<MediaFile | null> {
  // The library throws for an id it cannot parse (not 3 or 4 parts) that it does not hold: that is "no such message".
  if (!SERIALIZED_MESSAGE_ID.test(messageId)) return null;
  const message = await lib.getMessageById(messageId);
  if (!message?.hasMedia) return null;
  const media = await message.downloadMedia();
  if (!media) return null;
  return { data: Buffer.from(media.data, 'base64'), mimetype: media.mimetype, filename: media.filename || null };
}

export function toChatSummary(chat: LibChat): ChatSummary {
  return {
    id: chat.id._serialized,
    name: chat.name ?? '',
    is_group: chat.isGroup,
    is_read_only: Boolean(chat.isReadOnly),
    unread_count: chat.unreadCount ?? 0,
    timestamp: chat.timestamp ?? 0,
    archived: Boolean(chat.archived),
    pinned: Boolean(chat.pinned),
    muted: Boolean(chat.isMuted),
    last_message: chat.lastMessage ? toMessageSummary(chat.lastMessage) : null,
  };
}

/**
 * A serialized chat, mapped as the library maps the chats of getChats(): through its own chat
 * structures (exported at runtime, typed only as interfaces).
 */
export function chatModelSummary(model: ChatModel, lib: LibClient, library: Library): ChatSummary {
  const { PrivateChat, GroupChat } = library as unknown as { PrivateChat: ChatStructure; GroupChat: ChatStructure };
  return toChatSummary(new (model.isGroup ? GroupChat : PrivateChat)(lib, model));
}

const serialized = (key: Key): string => (typeof key === 'string' ? key : (key?._serialized ?? ''));

/**
 * The chat a message belongs to: ours are addressed `to` it, others come `from` it. In a group both
 * hold the group (the sender of someone else's message is its `author`).
 */
const chatOf = (message: LibMessage): string => (message.fromMe ? message.to : message.from);

export function toChatMessage(message: LibMessage): ChatMessage {
  return { ...toMessageSummary(message), chat_id: chatOf(message) };
}

const ACK_NAMES = new Map<number, AckName>([
  [-1, 'error'],
  [0, 'pending'],
  [1, 'server'],
  [2, 'device'],
  [3, 'read'],
  [4, 'played'],
]);

/** The library's numeric ack by name; an unknown number (a newer WhatsApp Web) counts as pending. */
export function ackName(ack: number): AckName {
  return ACK_NAMES.get(ack) ?? 'pending';
}

export function toAck(message: LibMessage, ack: number): MessageAck {
  return { id: message.id._serialized, chat_id: chatOf(message), ack: ackName(ack) };
}

/** The revoked message in its current state keeps its id and chat; its content is gone. */
export function toRevoke(message: LibMessage): MessageRevoke {
  return { id: message.id._serialized, chat_id: chatOf(message) };
}

export function toEdit(message: LibMessage, newBody: unknown): MessageEdit {
  return { id: message.id._serialized, chat_id: chatOf(message), body: typeof newBody === 'string' ? newBody : '' };
}

/** The key of the message reacted to names its chat (`remote`), the group for a group message. */
export function toReaction(reaction: LibReaction): MessageReaction {
  const key = reaction.msgId;
  const remote = typeof key === 'object' && key ? key.remote : undefined;
  return { id: serialized(key), chat_id: serialized(remote), from: reaction.senderId, reaction: reaction.reaction ?? '' };
}

/**
 * Runs in the page: the `limit` chats with the newest activity (`t`), serialized by the library's
 * own getChatModel. Only those are serialized, so the cost does not grow with the account as
 * getChats() (every chat serialized, then sorted and sliced here) did.
 */
export async function newestChatModels(limit: number): Promise<ChatModel[]> {
  type PageChat = { t?: number };
  const page = globalThis as unknown as {
    require(module: 'WAWebCollections'): { Chat: { getModelsArray(): PageChat[] } };
    WWebJS: { getChatModel(chat: PageChat): Promise<ChatModel | null> };
  };
  const newest = [...page.require('WAWebCollections').Chat.getModelsArray()].sort((a, b) => (b.t ?? 0) - (a.t ?? 0)).slice(0, limit);
  const models = await Promise.all(newest.map((chat) => page.WWebJS.getChatModel(chat)));
  return models.filter((model): model is ChatModel => model !== null);
}

/** Our media as the library's MessageMedia (base64, as it hands files to the page) and its send options. */
export function toLibMedia(library: Library, media: OutgoingMedia, options: MediaSendOptions) {
  return {
    media: new library.MessageMedia(media.mimetype, media.data.toString('base64'), media.filename, media.data.length),
    options: { caption: options.caption, sendAudioAsVoice: options.asVoice, sendMediaAsDocument: options.asDocument, linkPreview: false },
  };
}
