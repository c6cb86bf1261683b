import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import type { Browser } from 'puppeteer';
import { describeError } from '../common/describe-error.js';
import { clearStaleProfileLock } from './profile-lock.js';
import { standDownAfterUnlink } from './wwebjs.auth.js';
import {
  type AccountInfo,
  type ChatSummary,
  ClientGoneError,
  type ClientLaunchOptions,
  type MediaFile,
  type MediaSendOptions,
  type MessageSummary,
  type OutgoingMedia,
  type SentMessage,
  type WhatsAppClient,
  WhatsAppClientFactory,
} from './whatsapp-client.port.js';
import {
  chatModelSummary,
  downloadMessageMedia,
  type LibClient,
  type Library,
  type LibMessage,
  type LibReaction,
  newestChatModels,
  toAck,
  toChatMessage,
  toChatSummary,
  toEdit,
  toLibMedia,
  toMessageSummary,
  toReaction,
  toRevoke,
} from './wwebjs.mapping.js';
import { killGroup, withTimeout } from './chrome-process.js';
import { loadLibrary } from './wwebjs.library.js';

const FORWARDED_EVENTS = ['qr', 'authenticated', 'ready', 'auth_failure', 'change_state'] as const;
const CLOSE_TIMEOUT_MS = 5_000;
/** How long a call that failed in puppeteer's words for "gone" waits for the cause to show. */
const GONE_GRACE_MS = 1_000;
/**
 * Puppeteer's words for a call whose browser, page or frame went away under it: "Protocol error
 * (...): Target closed", "Session closed", "Attempted to use detached Frame", "Execution context
 * was destroyed" (the page navigated away, as after an unlink), "Connection closed".
 */
const GONE_WORDS = /Target closed|Session closed|detached Frame|Execution context was destroyed|Connection closed/i;

/**
 * The one place that knows whatsapp-web.js. We launch Chrome ourselves and hand the library a
 * connection to it: that way we own the process (its id, its exit, killing it when a start is
 * abandoned half-way), which the library does not expose until its own initialize() has finished.
 */
class WwebjsClient extends EventEmitter implements WhatsAppClient {
  private browser: Browser | null = null;
  private launching: Promise<unknown> | null = null;
  private lib: LibClient | null = null;
  private library: Library | null = null;
  private destroyed = false;
  private lost = false;
  /** Resolves when the client is reported lost: a failed call may wait for it (wentAway). */
  private readonly lostSignal: Promise<void>;
  private signalLost!: () => void;
  /** The library reported `LOGOUT`: the phone removed this device. */
  private unlinked = false;

  constructor(private readonly options: ClientLaunchOptions) {
    super();
    this.lostSignal = new Promise((resolve) => (this.signalLost = resolve));
  }

  async initialize(): Promise<void> {
    const { authDir, clientId, chromeExecutable, headless, chromeArgs, webVersion, webCacheDir } = this.options;
    const userDataDir = join(authDir, `session-${clientId}`);
    const { library, puppeteer } = await loadLibrary();
    this.library = library;
    const auth = new library.LocalAuth({ clientId, dataPath: authDir });
    standDownAfterUnlink(auth, () => this.unlinked);
    await clearStaleProfileLock(userDataDir);
    const launching = puppeteer.launch({
      executablePath: chromeExecutable,
      headless,
      userDataDir,
      args: [...chromeArgs, '--disable-blink-features=AutomationControlled'],
      defaultViewport: null,
      // The server shuts Chrome down itself (beforeApplicationShutdown), waiting for it to exit.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
    this.launching = launching.catch(() => undefined);
    const browser = await launching;
    this.browser = browser;
    if (this.destroyed) {
      await this.closeBrowser();
      throw new Error('the start was cancelled');
    }
    browser.on('disconnected', () => this.disconnect('BROWSER_CLOSED'));
    const lib = new library.Client({
      authStrategy: auth,
      puppeteer: { browserWSEndpoint: browser.wsEndpoint(), userDataDir },
      ...(webVersion ? { webVersion } : {}),
      ...(webVersion || webCacheDir ? { webVersionCache: { type: 'local', ...(webCacheDir ? { path: webCacheDir } : {}) } } : {}),
    });
    this.lib = lib;
    for (const event of FORWARDED_EVENTS) {
      lib.on(event, (...args: unknown[]) => {
        if (!this.destroyed) this.emit(event, ...args);
      });
    }
    this.forwardMessageEvents(lib);
    lib.on('disconnected', (reason: string) => {
      if (reason === 'LOGOUT') this.unlinked = true;
      this.disconnect(reason);
    });
    await lib.initialize().catch(async (error: unknown) => {
      // When Chrome dies mid-start the library fails with whatever it was doing ("Navigating frame
      // was detached"): name the real cause once the process is seen to have gone.
      const chrome = browser.process();
      if (chrome && chrome.exitCode === null && chrome.signalCode === null) {
        await withTimeout(new Promise((resolve) => chrome.once('exit', resolve)), 1_000);
      }
      if (!this.destroyed && chrome && (chrome.exitCode !== null || chrome.signalCode !== null)) {
        throw new Error('Chrome exited or crashed (BROWSER_CLOSED)');
      }
      throw error;
    });
    lib.pupPage?.on('error', () => this.disconnect('PAGE_CRASHED'));
    lib.pupPage?.on('close', () => this.disconnect('PAGE_CLOSED'));
  }

  /** The first cause of a lost connection is reported once; what follows from it is not. */
  private disconnect(reason: string): void {
    if (this.destroyed || this.lost) return;
    this.lost = true;
    this.signalLost();
    this.emit('disconnected', reason);
  }

  private forwardMessageEvents(lib: LibClient): void {
    const forward = (event: string, payload: object): void => {
      if (!this.destroyed) this.emit(event, payload);
    };
    lib.on('message', (message: LibMessage) => forward('message', toChatMessage(message)));
    lib.on('message_create', (message: LibMessage) => forward('message_create', toChatMessage(message)));
    lib.on('message_ack', (message: LibMessage, ack: number) => forward('message_ack', toAck(message, ack)));
    lib.on('message_revoke_everyone', (message: LibMessage) => forward('message_revoke_everyone', toRevoke(message)));
    lib.on('message_edit', (message: LibMessage, newBody: unknown) => forward('message_edit', toEdit(message, newBody)));
    lib.on('message_reaction', (reaction: unknown) => forward('message_reaction', toReaction(reaction as LibReaction)));
  }

  /**
   * Runs a library call; a failure because the client went away becomes ClientGoneError (a crash,
   * which the session recovers from) instead of a fault of WhatsApp Web.
   */
  private async call<T>(work: (lib: LibClient) => Promise<T>): Promise<T> {
    try {
      return await work(this.requireLib());
    } catch (error) {
      if (await this.wentAway(error)) throw new ClientGoneError(error);
      throw error;
    }
  }

  /**
   * How we recognise "the client went away": it was retired (destroyed) or reported lost, or the
   * call failed in puppeteer's words for it (GONE_WORDS) and the cause then shows within
   * GONE_GRACE_MS: the client reported lost (an unlink navigates the page away), Chrome exited, the
   * connection to it dropped, or the page closed. Puppeteer fails the call before it reports the
   * browser's `disconnected`, which is why a send just after Chrome was killed found the session
   * still `ready`. The cause is reported (`disconnected`) before the call fails, so the session has
   * let go of this client by the time the caller hears of it. Words without a cause (a frame
   * detached by a navigation that the page survives) stay a WhatsApp Web failure.
   */
  private async wentAway(error: unknown): Promise<boolean> {
    if (this.destroyed || this.lost) return true;
    if (!GONE_WORDS.test(describeError(error))) return false;
    const chrome = this.browser?.process();
    const exited = chrome ? new Promise((resolve) => chrome.once('exit', resolve)) : new Promise(() => undefined);
    await withTimeout(Promise.race([this.lostSignal, exited]), GONE_GRACE_MS);
    if (chrome && (chrome.exitCode !== null || chrome.signalCode !== null || !this.browser?.connected)) this.disconnect('BROWSER_CLOSED');
    else if (this.lib?.pupPage?.isClosed()) this.disconnect('PAGE_CLOSED');
    return this.destroyed || this.lost;
  }

  browserPid(): number | null {
    return this.browser?.process()?.pid ?? null;
  }

  /**
   * Closes politely within one deadline (CLOSE_TIMEOUT_MS in all), then kills Chrome's process
   * group: a hung Chrome is gone after 5 s, well within a supervisor's shutdown grace.
   */
  async destroy(): Promise<void> {
    this.destroyed = true;
    const deadline = Date.now() + CLOSE_TIMEOUT_MS;
    const left = (): number => Math.max(0, deadline - Date.now());
    // A Chrome still being launched would otherwise appear after we returned, and keep the profile.
    await this.launching;
    await withTimeout(this.lib?.destroy().catch(() => undefined) ?? Promise.resolve(), left());
    await this.closeBrowser(left());
  }

  async logout(): Promise<void> {
    await this.requireLib().logout();
  }

  requestPairingCode(phoneDigits: string, showNotification: boolean, intervalMs: number): Promise<string> {
    return this.requireLib().requestPairingCode(phoneDigits, showNotification, intervalMs);
  }

  async getNumberId(phoneDigits: string): Promise<string | null> {
    const wid = await this.call((lib) => lib.getNumberId(phoneDigits));
    return wid ? wid._serialized : null;
  }

  async sendText(chatId: string, text: string): Promise<SentMessage> {
    const message = await this.call((lib) => lib.sendMessage(chatId, text));
    return { id: message.id._serialized, timestamp: message.timestamp };
  }

  async sendMedia(chatId: string, media: OutgoingMedia, options: MediaSendOptions): Promise<SentMessage> {
    const send = toLibMedia(this.library!, media, options);
    const message = await this.call((lib) => lib.sendMessage(chatId, send.media, send.options));
    return { id: message.id._serialized, timestamp: message.timestamp };
  }

  getChats(limit: number): Promise<ChatSummary[]> {
    return this.call(async (lib) => {
      const models = await lib.pupPage!.evaluate(newestChatModels, limit);
      return models.map((model) => chatModelSummary(model, lib, this.library!));
    });
  }

  getChatMessages(chatId: string, limit: number): Promise<{ chat: ChatSummary; messages: MessageSummary[] } | null> {
    return this.call(async (lib) => {
      const chat = await lib.getChatById(chatId);
      if (!chat) return null;
      const messages = await chat.fetchMessages({ limit });
      return { chat: toChatSummary(chat), messages: messages.map(toMessageSummary) };
    });
  }

  downloadMedia(messageId: string): Promise<MediaFile | null> {
    return this.call((lib) => downloadMessageMedia(lib, messageId));
  }

  account(): AccountInfo | null {
    const info = this.lib?.info;
    if (!info) return null;
    return { wid: info.wid._serialized, pushname: info.pushname ?? '', platform: info.platform ?? '' };
  }

  private requireLib(): LibClient {
    if (!this.lib || this.destroyed) throw new Error('the WhatsApp client is not running');
    return this.lib;
  }

  /**
   * Closes Chrome politely, then kills its process group: what did not exit in time, and the
   * helpers (zygote, renderers) a crashed or killed browser process leaves behind.
   */
  private async closeBrowser(politeMs: number = CLOSE_TIMEOUT_MS): Promise<void> {
    const chrome = this.browser?.process();
    if (!this.browser || !chrome?.pid) return;
    if (chrome.exitCode === null && chrome.signalCode === null) {
      const exited = new Promise<void>((resolve) => chrome.once('exit', () => resolve()));
      await withTimeout(
        this.browser.close().catch(() => undefined),
        politeMs,
      );
      if (chrome.exitCode === null && chrome.signalCode === null) killGroup(chrome.pid);
      // SIGKILL cannot be refused: this only waits for the kernel to reap it.
      await withTimeout(exited, 1_000);
    }
    killGroup(chrome.pid);
  }
}

@Injectable()
export class WwebjsClientFactory extends WhatsAppClientFactory {
  async prepare(): Promise<void> {
    await loadLibrary();
  }

  create(options: ClientLaunchOptions): WhatsAppClient {
    return new WwebjsClient(options);
  }
}
