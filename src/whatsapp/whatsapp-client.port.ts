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

/** The contract's `<message>`; `timestamp` is Unix seconds as the library gives it. */
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

export interface SentMessage {
  id: string;
  /** Unix seconds. */
  timestamp: number;
}

/**
 * Events a client emits. `disconnected` carries the library's reason (`LOGOUT`, or a WhatsApp Web
 * state such as `UNPAIRED` or `CONFLICT`) or the browser side's: `BROWSER_CLOSED` (Chrome exited,
 * crashed, or the connection to it was lost), `PAGE_CRASHED`, `PAGE_CLOSED`. It is emitted at
 * most once per client, and never after destroy().
 */
export interface ClientEventMap {
  qr: [qr: string];
  authenticated: [];
  ready: [];
  auth_failure: [message: string];
  disconnected: [reason: string];
  change_state: [state: string];
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
  /** The `limit` chats with the newest activity, newest first. */
  getChats(limit: number): Promise<ChatSummary[]>;
  /** The chat and its last `limit` messages, oldest first; null when there is no such chat. */
  getChatMessages(chatId: string, limit: number): Promise<{ chat: ChatSummary; messages: MessageSummary[] } | null>;
  /** The linked account, once ready. */
  account(): AccountInfo | null;
  /** The id of the Chrome process, while it runs. */
  browserPid(): number | null;
}

/** The DI token: creates one client per start (a destroyed client is never reused). */
export abstract class WhatsAppClientFactory {
  abstract create(options: ClientLaunchOptions): WhatsAppClient;
}
