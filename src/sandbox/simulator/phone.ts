/**
 * Phone driver for the simulated WhatsApp Web page (page/*.js).
 *
 * It plays "the phone + the WhatsApp network": a loopback control server the page talks to
 * (control-server.ts), linked devices (linking.ts) and chats, history and what was sent
 * (network.ts). Every method awaits a real acknowledgement from the page (no sleeps); waits are
 * bounded by `timeoutMs` so a broken flow fails instead of hanging.
 */
import { EventEmitter } from 'node:events';
import { ControlServer, type PageConn, type RpcMessage } from './control-server.js';
import { nowSec, randomHex, userId } from './ids.js';
import { Linking } from './linking.js';
import { MediaVault, mediaType } from './media-vault.js';
import { Network } from './network.js';
import { writePage } from './page-file.js';
import {
  ACKS,
  type AckLevel,
  type IncomingMessage,
  type NetChat,
  type NetMessage,
  type PhoneMessage,
  type PhoneOptions,
  type SeedOptions,
  type SentMessage,
  type SocketState,
} from './types.js';

export type * from './types.js';

export class Phone {
  readonly me: string;
  readonly pushname: string;
  readonly platform: string;
  private readonly qrRotateMs: number;
  private readonly control: ControlServer;
  private readonly linking: Linking;
  private readonly network: Network;
  private readonly media = new MediaVault();
  private readonly qrs = new EventEmitter();

  private constructor(opts: PhoneOptions) {
    const digits = opts.me ?? '15550000000';
    this.me = `${digits}@c.us`;
    this.pushname = opts.pushname ?? 'Simulated Phone';
    this.platform = opts.platform ?? 'android';
    this.qrRotateMs = opts.qrRotateMs ?? 20000;
    this.control = new ControlServer(
      opts.timeoutMs ?? 30000,
      (msg, page) => this.rpc(msg, page),
      () => this.linking.describePages(),
    );
    const lid = `${digits.split('').reverse().join('')}01@lid`;
    this.linking = new Linking(this.control, { me: this.me, lid, pushname: this.pushname, platform: this.platform });
    this.network = new Network(this.me);
  }

  /** Starts the control server on 127.0.0.1 (random port). */
  static async start(opts: PhoneOptions = {}): Promise<Phone> {
    const phone = new Phone(opts);
    await phone.control.listen();
    return phone;
  }

  /** Base URL of the control server, e.g. http://127.0.0.1:41234 */
  get url(): string {
    return this.control.url;
  }

  /** Writes the page that talks to this phone into `<cacheDir>/<version>.html` (see page-file.ts). */
  prepare(cacheDir: string, version: string): Promise<string> {
    return writePage(cacheDir, { control: this.url, version, qrRotateMs: this.qrRotateMs });
  }

  // ------------------------------------------------------------------ linking

  /** The QR string currently shown by the newest unpaired page (waits for one). Equals the client's 'qr' payload. */
  currentQr(): Promise<string> {
    return this.linking.currentQr();
  }

  /** Forces the page to show a new QR code; resolves with it. */
  rotateQr(): Promise<string> {
    return this.linking.rotateQr();
  }

  /** Scans `qr` (default: the current one) and links that page. Rejects for an expired (rotated) QR. */
  scanQr(qr?: string): Promise<void> {
    return this.linking.scanQr(qr);
  }

  /** The last pairing code handed to a page by requestPairingCode (waits for one). */
  pairingCode(): Promise<string> {
    return this.linking.pairingCode();
  }

  /** Types `code` on the phone. The right code links the requesting page; a wrong one rejects. */
  enterPairingCode(code: string): Promise<void> {
    return this.linking.enterPairingCode(code);
  }

  /** Number of currently linked devices (companions). */
  linkedDevices(): Promise<number> {
    return Promise.resolve(this.linking.linkedDevices());
  }

  /** Whether some page shows a QR code nobody has scanned yet. */
  qrPending(): boolean {
    return !!this.linking.unpairedPage((p) => !!p.qr);
  }

  /** Calls `listener` with each QR code a page shows from now on, just after the page reported it; returns the unsubscribe. */
  onQr(listener: (qr: string) => void): () => void {
    this.qrs.on('qr', listener);
    return () => this.qrs.off('qr', listener);
  }

  /** Phone-side "Log out" of all linked devices (client gets 'disconnected' with 'LOGOUT'). */
  unlink(): Promise<void> {
    return this.linking.unlink();
  }

  // --------------------------------------------------------------- messaging

  /**
   * Someone sends `body` to us (with `media`: a file, `body` its caption); resolves with the message
   * key once a linked page added it (client 'message').
   */
  async deliverIncoming(msg: IncomingMessage): Promise<{ id: string }> {
    const chat = msg.group ? this.network.ensureGroup(msg.group, userId(msg.from)) : this.network.ensureChat(msg.from);
    const sender = msg.group ? userId(msg.from) : msg.author;
    const author = chat.isGroup ? (sender ?? chat.participants.find((p) => p !== this.me)!) : undefined;
    const msgId = randomHex(16);
    const message: NetMessage = {
      key: `false_${chat.id}_${msgId}` + (author ? `_${author}` : ''),
      msgId,
      chatId: chat.id,
      fromMe: false,
      from: chat.id,
      to: this.me,
      author,
      participant: author,
      notifyName: msg.notifyName,
      body: msg.body,
      type: msg.media ? mediaType(msg.media.mimetype) : 'chat',
      t: nowSec(),
      ...(msg.media && { media: this.media.store(msg.media) }),
    };
    return this.deliver(chat, message);
  }

  /**
   * The account sends `body` from the phone (client 'message_create' with fromMe, no 'message').
   * Its id has the phone's form (32 hex digits, or `3A…` for an iPhone), so the library's
   * `deviceType` is 'android'/'ios' where the client's own sends are 'web'. Not in `sent()`.
   */
  async sendFromPhone({ to, body }: PhoneMessage): Promise<{ id: string }> {
    const chat = this.network.ensureChat(userId(to));
    const msgId = ['iphone', 'smbi'].includes(this.platform) ? `3A${randomHex(9)}` : randomHex(16);
    const message: NetMessage = {
      key: `true_${chat.id}_${msgId}` + (chat.isGroup ? `_${this.me}` : ''),
      msgId,
      chatId: chat.id,
      fromMe: true,
      from: this.me,
      to: chat.id,
      participant: chat.isGroup ? this.me : undefined,
      body,
      type: 'chat',
      t: nowSec(),
      ack: 1,
    };
    return this.deliver(chat, message);
  }

  /** The recipient's device acks a message the account sent (client 'message_ack'). Acks only rise: a lower one changes nothing. */
  async ack(id: string, level: AckLevel): Promise<void> {
    const ack = ACKS[level];
    if (!ack) throw new Error(`phone: unknown ack level ${String(level)} (device | read | played)`);
    const { message } = this.network.findMessage(id);
    if (!message.fromMe) throw new Error(`phone: only messages the account sent are acked; ${id} is incoming`);
    await this.toLinkedPages(id, { type: 'ack', ack });
    message.ack = Math.max(message.ack ?? 0, ack);
  }

  /** The sender deletes the message for everyone (client 'message_revoke_everyone'); a contact's or the account's own. */
  async revoke(id: string): Promise<void> {
    await this.toLinkedPages(id, { type: 'revoke' });
    const { message } = this.network.findMessage(id);
    message.type = 'revoked';
    message.body = '';
  }

  /** The sender edits the message's text (client 'message_edit' with the new and previous body). */
  async edit(id: string, body: string): Promise<void> {
    if (this.network.findMessage(id).message.type === 'revoked') throw new Error(`phone: ${id} was revoked and cannot be edited`);
    await this.toLinkedPages(id, { type: 'edit', body, editId: randomHex(16), editedAtMs: Date.now() });
    this.network.findMessage(id).message.body = body;
  }

  /**
   * `from` (a contact, or the account itself) reacts to a message with `reaction`; `''` removes
   * the reaction (client 'message_reaction'). Resolves with the reaction's own message key.
   */
  async react(id: string, from: string, reaction: string): Promise<{ id: string }> {
    const { chat } = this.network.findMessage(id);
    const sender = userId(from);
    const reactionId = randomHex(16);
    await this.toLinkedPages(id, { type: 'react', from: sender, reaction, reactionId, reactedAtMs: Date.now() });
    return { id: `${sender === this.me}_${chat.id}_${reactionId}` + (chat.isGroup ? `_${sender}` : '') };
  }

  /** Messages the client sent, in order, as the network received them. */
  sent(): Promise<SentMessage[]> {
    return Promise.resolve(this.network.sent());
  }

  /** The network's chats with their messages, in no particular order. */
  chats(): NetChat[] {
    return this.network.allChats().map((c) => ({ ...c, messages: [...c.messages] }));
  }

  /** Marks numbers (digits or `<digits>@c.us`) as not on WhatsApp. Everything else is registered. */
  unregistered(numbers: string[]): Promise<void> {
    return Promise.resolve(this.network.setRegistered(numbers, false));
  }

  /** Marks numbers as on WhatsApp again (the default for every number). */
  registered(numbers: string[]): Promise<void> {
    return Promise.resolve(this.network.setRegistered(numbers, true));
  }

  /** Replaces the chat store (see Network.seed); linked pages re-sync before this resolves. */
  async seed(options: SeedOptions): Promise<NetChat[]> {
    const chats = this.network.seed(options);
    await Promise.all(this.linking.linkedPages().map((p) => this.control.command(p, { type: 'resync' })));
    return chats;
  }

  // ------------------------------------------------------------------ states

  /** Forces the page's socket state (client 'change_state'; non-accepted states also give 'disconnected'). */
  async setState(state: SocketState): Promise<void> {
    const pages = this.linking.linkedPages();
    if (!pages.length) throw new Error('no linked page is connected');
    await Promise.all(pages.map((p) => this.control.command(p, { type: 'state', state })));
  }

  /** Phone/network unreachable: socket goes TIMEOUT (the library keeps the session). */
  dropConnection(): Promise<void> {
    return this.setState('TIMEOUT');
  }

  /** Back to CONNECTED after dropConnection(). */
  restoreConnection(): Promise<void> {
    return this.setState('CONNECTED');
  }

  /** `window.require()` names the library asked for that the page does not implement. */
  missingModules(): string[] {
    return this.control.missingModules();
  }

  close(): Promise<void> {
    return this.control.close();
  }

  private async deliver(chat: NetChat, message: NetMessage): Promise<{ id: string }> {
    chat.messages.push(message);
    const page = await this.control.until(() => this.linking.linkedPages()[0], 'a linked page to deliver to');
    await this.control.command(page, { type: 'incoming', message, chat: this.network.summary(chat, 0) });
    return { id: message.key };
  }

  /** Applies a change to message `id` on every linked page (waits for one), with the network's copy of the message. */
  private async toLinkedPages(id: string, cmd: Record<string, unknown>): Promise<void> {
    const { chat, message } = this.network.findMessage(id);
    await this.control.until(() => this.linking.linkedPages()[0], 'a linked page to tell');
    const change = { ...cmd, message: { ...message }, chat: this.network.summary(chat, 0) };
    await Promise.all(this.linking.linkedPages().map((page) => this.control.command(page, change)));
  }

  private rpc(msg: RpcMessage, page: PageConn): unknown {
    const reply = this.linking.rpc(msg, page) ?? this.network.rpc(msg) ?? this.media.rpc(msg);
    if (reply === undefined) throw new Error(`unknown op ${msg.op}`);
    if (msg.op === 'qr') setImmediate(() => this.qrs.emit('qr', String(msg.qr)));
    return reply;
  }
}
