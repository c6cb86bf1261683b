import { StoreStatusHook } from '../src/whatsapp/store-status.hook.js';
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { AppConfig } from '../src/config/app-config.js';
import type { ClientState } from '../src/whatsapp/client-status.js';
import { type Clock, SystemClock } from '../src/whatsapp/clock.js';
import { WhatsAppSessionFactory } from '../src/whatsapp/whatsapp-session.factory.js';
import type { WhatsAppSession } from '../src/whatsapp/whatsapp-session.js';
import {
  type AccountInfo,
  ClientGoneError,
  type ChatSummary,
  type ClientLaunchOptions,
  type MediaFile,
  type MediaSendOptions,
  type MessageSummary,
  type OutgoingMedia,
  type SentMessage,
  type WhatsAppClient,
  WhatsAppClientFactory,
} from '../src/whatsapp/whatsapp-client.port.js';

/**
 * How a fake client's initialize() behaves, like the library does:
 * - `qr`: unpaired; emits a QR, then resolves (a scan is driven with `scan()`);
 * - `saved`: a saved session; resolves, then authenticated → ready;
 * - `reject`: Chrome launched but WhatsApp Web unreachable; rejects;
 * - `hang`: never settles until destroyed.
 */
/** A call that finds the client gone, and the reason the client then reports (`BROWSER_CLOSED`, `LOGOUT`, ...). */
export interface CrashPoint {
  call: 'getNumberId' | 'sendText' | 'sendMedia' | 'getChats' | 'getChatMessages';
  reason: string;
}

export type StartMode = 'qr' | 'saved' | 'reject' | 'hang';

export const FAKE_ACCOUNT: AccountInfo = { wid: '15550001111@c.us', pushname: 'Fake Owner', platform: 'android' };

export function fakeMessage(chatId: string, n: number, overrides: Partial<MessageSummary> = {}): MessageSummary {
  return {
    id: `false_${chatId}_MSG${n}`,
    from: chatId,
    to: FAKE_ACCOUNT.wid,
    author: null,
    from_me: false,
    type: 'chat',
    body: `message ${n}`,
    timestamp: 1_700_000_000 + n,
    has_media: false,
    ...overrides,
  };
}

export function fakeChat(id: string, timestamp: number, overrides: Partial<ChatSummary> = {}): ChatSummary {
  return {
    id,
    name: `Chat ${id}`,
    is_group: id.endsWith('@g.us'),
    is_read_only: false,
    unread_count: 0,
    timestamp,
    archived: false,
    pinned: false,
    muted: false,
    last_message: null,
    ...overrides,
  };
}

export class FakeWhatsAppClient extends EventEmitter implements WhatsAppClient {
  destroyed = 0;
  loggedOut = 0;
  private linked = false;
  private settle: ((error?: Error) => void) | null = null;

  constructor(
    private readonly world: FakeWhatsApp,
    readonly options: ClientLaunchOptions,
  ) {
    super();
  }

  get sessionDir(): string {
    return join(this.options.authDir, `session-${this.options.clientId}`);
  }

  async initialize(): Promise<void> {
    this.world.running++;
    this.world.mostRunning = Math.max(this.world.mostRunning, this.world.running);
    // LocalAuth creates the profile folder before Chrome starts.
    mkdirSync(this.sessionDir, { recursive: true });
    switch (this.world.startMode) {
      case 'reject':
        throw new Error('net::ERR_NAME_NOT_RESOLVED at https://web.whatsapp.com/');
      case 'hang':
        return new Promise((resolve, reject) => {
          this.settle = (error) => (error ? reject(error) : resolve());
        });
      case 'saved':
        this.emit('authenticated');
        setImmediate(() => this.becomeReady());
        return;
      case 'qr':
        this.emit('qr', 'fake-qr-1');
        return;
    }
  }

  /** The phone scans the QR (or enters the code): authenticated, then ready. */
  scan(): void {
    this.emit('authenticated');
    this.becomeReady();
  }

  becomeReady(): void {
    this.linked = true;
    this.emit('ready');
  }

  async destroy(): Promise<void> {
    this.destroyed++;
    await this.world.closing;
    if (this.destroyed === 1) this.world.running--;
    this.settle?.(new Error('Target closed'));
  }

  async logout(): Promise<void> {
    this.loggedOut++;
    await this.world.closing;
    rmSync(this.sessionDir, { recursive: true, force: true });
  }

  async requestPairingCode(phoneDigits: string): Promise<string> {
    this.world.pairingRequests.push(phoneDigits);
    return this.world.pairingCode;
  }

  /**
   * The client goes away under the next call (Chrome killed): as the adapter does, it reports
   * `disconnected` first and then fails the call with ClientGoneError.
   */
  private gone(call: CrashPoint['call']): void {
    const crash = this.world.crash;
    if (crash?.call !== call) return;
    this.world.crash = null;
    this.emit('disconnected', crash.reason);
    throw new ClientGoneError(new Error('Protocol error (Runtime.callFunctionOn): Target closed'));
  }

  async getNumberId(phoneDigits: string): Promise<string | null> {
    this.gone('getNumberId');
    return this.world.unregistered.has(phoneDigits) ? null : `${phoneDigits}@c.us`;
  }

  async sendText(chatId: string, text: string): Promise<SentMessage> {
    if (this.world.failSends) throw new Error('Evaluation failed: send failed');
    this.gone('sendText');
    this.world.sent.push({ chatId, text });
    // As the library can, the message is reported before sendMessage answers.
    return this.reportSent(`true_${chatId}_SENT${this.world.sent.length}`, chatId, 'chat', text, false);
  }

  /** Records what a phone would receive (the bytes' hash, not the bytes) and reports it as the library does. */
  async sendMedia(chatId: string, media: OutgoingMedia, options: MediaSendOptions): Promise<SentMessage> {
    if (this.world.failSends) throw new Error('Evaluation failed: send failed');
    this.gone('sendMedia');
    const sha256 = createHash('sha256').update(media.data).digest('hex');
    this.world.sentMedia.push({ chatId, mimetype: media.mimetype, filename: media.filename, size: media.data.length, sha256, ...options });
    const type = options.asVoice ? 'ptt' : options.asDocument ? 'document' : (media.mimetype.split('/')[0] ?? 'document');
    return this.reportSent(`true_${chatId}_MEDIA${this.world.sentMedia.length}`, chatId, type, options.caption ?? '', true);
  }

  /** Reports a message this account sent (`message_create`), as the library does, and answers as the send would. */
  private reportSent(id: string, chatId: string, type: string, body: string, hasMedia: boolean): SentMessage {
    const timestamp = 1_700_000_500;
    this.emit('message_create', {
      id,
      from: FAKE_ACCOUNT.wid,
      to: chatId,
      author: null,
      from_me: true,
      type,
      body,
      timestamp,
      has_media: hasMedia,
      chat_id: chatId,
    });
    return { id, timestamp };
  }

  async getChats(limit: number): Promise<ChatSummary[]> {
    this.gone('getChats');
    return [...this.world.chats].sort((a, b) => b.timestamp - a.timestamp).slice(0, limit);
  }

  async getChatMessages(chatId: string, limit: number) {
    this.gone('getChatMessages');
    const chat = this.world.chats.find((c) => c.id === chatId);
    if (!chat) return null;
    return { chat, messages: (this.world.messages.get(chatId) ?? []).slice(-limit) };
  }

  async downloadMedia(messageId: string): Promise<MediaFile | null> {
    this.world.downloads.push(messageId);
    return this.world.media.get(messageId) ?? null;
  }

  account(): AccountInfo | null {
    return this.linked ? FAKE_ACCOUNT : null;
  }

  browserPid(): number | null {
    return null;
  }
}

/** A fake of our port: the "world" behind every client it creates, and what they did. */
export class FakeWhatsApp extends WhatsAppClientFactory {
  readonly clients: FakeWhatsAppClient[] = [];
  startMode: StartMode = 'qr';
  pairingCode = 'ABCD1234';
  readonly pairingRequests: string[] = [];
  readonly unregistered = new Set<string>();
  readonly sent: { chatId: string; text: string }[] = [];
  readonly sentMedia: ({ chatId: string; mimetype: string; filename: string; size: number; sha256: string } & MediaSendOptions)[] = [];
  failSends = false;
  /** The next such call finds the client gone (see FakeWhatsAppClient.gone). */
  crash: CrashPoint | null = null;
  /** Chromes "running" now (initialized, not yet destroyed), and the most at any one time. */
  running = 0;
  mostRunning = 0;
  /** While unresolved, destroy() and logout() wait: a Chrome that takes its time to close. */
  closing: Promise<void> = Promise.resolve();

  /** Makes closing slow until the returned function is called. */
  holdClosing(): () => void {
    let release!: () => void;
    this.closing = new Promise((resolve) => (release = resolve));
    return release;
  }
  chats: ChatSummary[] = [];
  readonly messages = new Map<string, MessageSummary[]>();
  /** The files WhatsApp holds, by message id, and the ids of every download asked for. */
  readonly media = new Map<string, MediaFile>();
  readonly downloads: string[] = [];

  async prepare(): Promise<void> {}

  create(options: ClientLaunchOptions): FakeWhatsAppClient {
    const client = new FakeWhatsAppClient(this, options);
    this.clients.push(client);
    return client;
  }

  /** The newest client of the session `name`. */
  clientOf(name: string): FakeWhatsAppClient {
    const client = this.clients.findLast((c) => c.options.clientId === name);
    if (!client) throw new Error(`no client was created for the session ${name}`);
    return client;
  }

  get current(): FakeWhatsAppClient {
    const client = this.clients.at(-1);
    if (!client) throw new Error('no client was created');
    return client;
  }
}

/** A session on the fake port, built as DI builds it; the clock and the bus can be given. */
export function fakeSession(config: AppConfig, fake: FakeWhatsApp, parts: { clock?: Clock; bus?: EventEmitter2 } = {}): WhatsAppSession {
  return new WhatsAppSessionFactory(
    config,
    fake,
    parts.clock ?? new SystemClock(),
    parts.bus ?? new EventEmitter2(),
    new StoreStatusHook(),
  ).create('default');
}

/** Waits for `session` to be in `state`; throws, naming the state it saw, after `timeoutMs`. */
export async function reachState(session: WhatsAppSession, state: ClientState, timeoutMs = 2000): Promise<ClientState> {
  const seen = await session.waitFor((s) => s === state, timeoutMs);
  if (seen !== state)
    throw new Error(
      `timed out after ${timeoutMs} ms waiting for state ${state}; the session is ${seen} (${JSON.stringify(session.status())})`,
    );
  return seen;
}
