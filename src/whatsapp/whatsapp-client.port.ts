/*
 * The port: the small surface of a linked-device client that this server uses. Only the adapter
 * (wwebjs.adapter.ts) knows whatsapp-web.js; tests bind a fake of this port (test/fake-whatsapp.ts).
 */

export interface ClientLaunchOptions {
  /** Base folder of saved sessions; the profile lives in `<authDir>/session-<clientId>`. */
  authDir: string;
  clientId: string;
  chromeExecutable: string;
  headless: boolean;
  /** Complete Chrome flag list (our defaults plus the configured extras). */
  chromeArgs: string[];
  webVersion: string | null;
  webCacheDir: string | null;
}

export interface AccountInfo {
  wid: string;
  pushname: string;
  platform: string;
}

/** What WhatsApp announces of a message's file: `filename` for documents, `size` in bytes (null when not given). */
export interface MediaInfo {
  mimetype: string;
  filename: string | null;
  size: number | null;
}

/** A message's file, downloaded. */
export interface MediaFile {
  data: Buffer;
  mimetype: string;
  filename: string | null;
}

/**
 * The contract's `<message>`; `timestamp` is Unix seconds as the library gives it. `media` is only
 * there on a message with media, so a text message keeps the original's nine fields exactly.
 */
export interface MessageSummary {
  id: string;
  from: string;
  to: string;
  author: string | null;
  from_me: boolean;
  type: string;
  body: string;
  timestamp: number;
  has_media: boolean;
  media?: MediaInfo;
}

/** The contract's `<chat>`. */
export interface ChatSummary {
  id: string;
  name: string;
  is_group: boolean;
  is_read_only: boolean;
  unread_count: number;
  timestamp: number;
  archived: boolean;
  pinned: boolean;
  muted: boolean;
  last_message: MessageSummary | null;
}

/** A message with the chat it belongs to: what message events carry. */
export interface ChatMessage extends MessageSummary {
  chat_id: string;
}

/** The contract's ack names, from the library's numeric ack (-1 error … 4 played). */
export type AckName = 'error' | 'pending' | 'server' | 'device' | 'read' | 'played';

export interface MessageAck {
  id: string;
  chat_id: string;
  ack: AckName;
}

export interface MessageRevoke {
  id: string;
  chat_id: string;
}

export interface MessageEdit {
  id: string;
  chat_id: string;
  body: string;
}

export interface MessageReaction {
  /** The message reacted to. */
  id: string;
  chat_id: string;
  /** Who reacted (a serialized id). */
  from: string;
  /** The emoji; `""` when a reaction was removed. */
  reaction: string;
}

export interface SentMessage {
  id: string;
  /** Unix seconds. */
  timestamp: number;
}

/** A file to send: its bytes and what we established they are (never only the caller's word). */
export interface OutgoingMedia {
  data: Buffer;
  mimetype: string;
  filename: string;
}

export interface MediaSendOptions {
  caption?: string;
  /** A voice note (push-to-talk) rather than an audio file; audio only. */
  asVoice?: boolean;
  /** A document (the file as is, with its name) rather than a picture, video or audio. */
  asDocument?: boolean;
}

/**
 * Events a client emits. `disconnected` carries the library's reason (`LOGOUT`, or a WhatsApp Web
 * state such as `UNPAIRED` or `CONFLICT`) or the browser side's: `BROWSER_CLOSED` (Chrome exited,
 * crashed, or the connection to it was lost), `PAGE_CRASHED`, `PAGE_CLOSED`. It is emitted at
 * most once per client, and never after destroy(). The `message*` events are mapped by the adapter
 * from the library's events of the same names to our own types; nothing of the library leaks out.
 */
export interface ClientEventMap {
  qr: [qr: string];
  authenticated: [];
  ready: [];
  auth_failure: [message: string];
  disconnected: [reason: string];
  change_state: [state: string];
  /** A message from someone else (private or group). */
  message: [message: ChatMessage];
  /** A message this account created: sent through us or from the phone / another device. */
  message_create: [message: ChatMessage];
  message_ack: [ack: MessageAck];
  message_revoke_everyone: [revoke: MessageRevoke];
  message_edit: [edit: MessageEdit];
  message_reaction: [reaction: MessageReaction];
}

export type ClientEvent = keyof ClientEventMap;

export interface WhatsAppClient {
  on<E extends ClientEvent>(event: E, listener: (...args: ClientEventMap[E]) => void): unknown;
  /** Launches Chrome and loads WhatsApp Web; resolves once it is loaded (after the first QR when unpaired). */
  initialize(): Promise<void>;
  /** Closes Chrome; safe to call at any time, also while initialize() is in flight, and more than once. */
  destroy(): Promise<void>;
  /** Revokes the linked device on WhatsApp's side and removes the saved session. */
  logout(): Promise<void>;
  requestPairingCode(phoneDigits: string, showNotification: boolean, intervalMs: number): Promise<string>;
  /** The serialized WhatsApp id of a number (`<digits>@c.us`), or null when the number is not on WhatsApp. */
  getNumberId(phoneDigits: string): Promise<string | null>;
  sendText(chatId: string, text: string): Promise<SentMessage>;
  sendMedia(chatId: string, media: OutgoingMedia, options: MediaSendOptions): Promise<SentMessage>;
  /** The `limit` chats with the newest activity, newest first. */
  getChats(limit: number): Promise<ChatSummary[]>;
  /** The chat and its last `limit` messages, oldest first; null when there is no such chat. */
  getChatMessages(chatId: string, limit: number): Promise<{ chat: ChatSummary; messages: MessageSummary[] } | null>;
  /**
   * The file of a message; null when there is no such message, it has no media, or WhatsApp can no
   * longer give it (expired on the phone).
   */
  downloadMedia(messageId: string): Promise<MediaFile | null>;
  /** The linked account, once ready. */
  account(): AccountInfo | null;
  /** The id of the Chrome process, while it runs. */
  browserPid(): number | null;
}

/**
 * A call failed because the client went away under it (Chrome exited or crashed, the page closed
 * or crashed, the device was unlinked): not a fault of WhatsApp Web but a crash the session recovers
 * from. The adapter throws it only once the client has also reported `disconnected`, so by the time
 * a caller sees it the session has already let go of the client.
 */
export class ClientGoneError extends Error {
  constructor(readonly cause: unknown) {
    super(`the WhatsApp client went away (${cause instanceof Error ? cause.message : String(cause)})`);
    this.name = 'ClientGoneError';
  }
}

/** The DI token: creates one client per start (a destroyed client is never reused). */
export abstract class WhatsAppClientFactory {
  /**
   * Loads what clients need (the adapter: the library) before the first is created; awaited by
   * every launch, so the time it takes is not counted against the start of Chrome.
   */
  abstract prepare(): Promise<void>;
  abstract create(options: ClientLaunchOptions): WhatsAppClient;
}
