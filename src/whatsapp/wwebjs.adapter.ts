import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import puppeteer, { type Browser } from 'puppeteer';
import wwebjs from 'whatsapp-web.js';
import {
  type AccountInfo,
  type ChatSummary,
  type ClientLaunchOptions,
  type MessageSummary,
  type SentMessage,
  type WhatsAppClient,
  WhatsAppClientFactory,
} from './whatsapp-client.port.js';
import { clearStaleProfileLock } from './profile-lock.js';

const { Client, LocalAuth } = wwebjs;
type LibClient = InstanceType<typeof Client>;
type LibAuth = InstanceType<typeof LocalAuth>;
type LibChat = Awaited<ReturnType<LibClient['getChats']>>[number];
type LibMessage = Awaited<ReturnType<LibClient['sendMessage']>>;
/** A chat as WhatsApp Web serializes it for the library (window.WWebJS.getChatModel). */
type ChatModel = { isGroup?: boolean } & Record<string, unknown>;
type ChatStructure = new (client: LibClient, data: ChatModel) => LibChat;
/**
 * The library's own chat structures (exported at runtime, typed only as interfaces): they turn a
 * serialized chat into the Chat that getChats() returns, so chats fetched either way map alike.
 */
const { PrivateChat, GroupChat } = wwebjs as unknown as { PrivateChat: ChatStructure; GroupChat: ChatStructure };

const FORWARDED_EVENTS = ['qr', 'authenticated', 'ready', 'auth_failure', 'change_state'] as const;
const CLOSE_TIMEOUT_MS = 5_000;

export function toMessageSummary(message: LibMessage): MessageSummary {
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
  };
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
 * Makes LocalAuth stand down once the phone has unlinked the device. On `disconnected('LOGOUT')`
 * whatsapp-web.js, in a navigation handler nobody awaits, wipes the profile while Chrome still
 * runs, re-creates it and injects into the page again to show a new QR. The session closes that
 * client and deletes the profile once Chrome has exited; the library's steps raced with that,
 * re-creating the folder afterwards (a "saved session" that made the next call launch Chrome again)
 * and failing on the closing page (an unhandled rejection). So after an unlink the wipe is left to
 * the session, and the re-arm never settles, which ends the library's handler there.
 */
export function standDownAfterUnlink(auth: LibAuth, unlinked: () => boolean): void {
  const wipe = auth.logout.bind(auth);
  const prepare = auth.beforeBrowserInitialized.bind(auth);
  auth.logout = async () => {
    if (!unlinked()) await wipe();
  };
  auth.beforeBrowserInitialized = () => (unlinked() ? new Promise<void>(() => undefined) : prepare());
}

/**
 * Runs in the page: the `limit` chats with the newest activity (`t`), serialized by the library's
 * own getChatModel. Only those are serialized, so the cost does not grow with the account as
 * getChats() (every chat serialized, then sorted and sliced here) did.
 */
async function newestChatModels(limit: number): Promise<ChatModel[]> {
  type PageChat = { t?: number };
  const page = globalThis as unknown as {
    require(module: 'WAWebCollections'): { Chat: { getModelsArray(): PageChat[] } };
    WWebJS: { getChatModel(chat: PageChat): Promise<ChatModel | null> };
  };
  const newest = [...page.require('WAWebCollections').Chat.getModelsArray()].sort((a, b) => (b.t ?? 0) - (a.t ?? 0)).slice(0, limit);
  const models = await Promise.all(newest.map((chat) => page.WWebJS.getChatModel(chat)));
  return models.filter((model): model is ChatModel => model !== null);
}

/** A serialized chat, mapped as the library maps the chats of getChats(). */
export function chatModelSummary(model: ChatModel, lib: LibClient): ChatSummary {
  return toChatSummary(new (model.isGroup ? GroupChat : PrivateChat)(lib, model));
}

const withTimeout = <T>(promise: Promise<T>, ms: number): Promise<T | undefined> =>
  Promise.race([promise, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), ms).unref())]);

/**
 * The one place that knows whatsapp-web.js. We launch Chrome ourselves and hand the library a
 * connection to it: that way we own the process (its id, its exit, killing it when a start is
 * abandoned half-way), which the library does not expose until its own initialize() has finished.
 */
class WwebjsClient extends EventEmitter implements WhatsAppClient {
  private browser: Browser | null = null;
  private launching: Promise<unknown> | null = null;
  private lib: LibClient | null = null;
  private destroyed = false;
  private lost = false;
  /** The library reported `LOGOUT`: the phone removed this device. */
  private unlinked = false;

  constructor(private readonly options: ClientLaunchOptions) {
    super();
  }

  async initialize(): Promise<void> {
    const { authDir, clientId, chromeExecutable, headless, chromeArgs, webVersion, webCacheDir } = this.options;
    const userDataDir = join(authDir, `session-${clientId}`);
    const auth = new LocalAuth({ clientId, dataPath: authDir });
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
    const lib = new Client({
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
    this.emit('disconnected', reason);
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
    const wid = await this.requireLib().getNumberId(phoneDigits);
    return wid ? wid._serialized : null;
  }

  async sendText(chatId: string, text: string): Promise<SentMessage> {
    const message = await this.requireLib().sendMessage(chatId, text);
    return { id: message.id._serialized, timestamp: message.timestamp };
  }

  async getChats(limit: number): Promise<ChatSummary[]> {
    const lib = this.requireLib();
    const models = await lib.pupPage!.evaluate(newestChatModels, limit);
    return models.map((model) => chatModelSummary(model, lib));
  }

  async getChatMessages(chatId: string, limit: number): Promise<{ chat: ChatSummary; messages: MessageSummary[] } | null> {
    const chat = await this.requireLib().getChatById(chatId);
    if (!chat) return null;
    const messages = await chat.fetchMessages({ limit });
    return { chat: toChatSummary(chat), messages: messages.map(toMessageSummary) };
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
      await withTimeout(this.browser.close().catch(() => undefined), politeMs);
      if (chrome.exitCode === null && chrome.signalCode === null) killGroup(chrome.pid);
      // SIGKILL cannot be refused: this only waits for the kernel to reap it.
      await withTimeout(exited, 1_000);
    }
    killGroup(chrome.pid);
  }
}

/** Puppeteer starts Chrome in its own process group (detached): every member is ours. */
function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // ESRCH: the group is already gone.
  }
}

@Injectable()
export class WwebjsClientFactory extends WhatsAppClientFactory {
  create(options: ClientLaunchOptions): WhatsAppClient {
    return new WwebjsClient(options);
  }
}
