/**
 * Phone driver for the simulated WhatsApp Web page (page/simulator.js).
 *
 * It plays "the phone + the WhatsApp network": a loopback HTTP control server
 * the page talks to (EventSource for commands, POST /rpc for everything the
 * page asks), holding linked devices, chats, history and what was sent.
 * Every method awaits a real acknowledgement from the page (no sleeps); waits
 * are bounded by `timeoutMs` so a broken flow fails instead of hanging.
 */
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export interface PhoneOptions {
    /** The phone's own number (digits). Default 15550000000. */
    me?: string;
    pushname?: string;
    /** client.info.platform. Default 'android'. */
    platform?: string;
    /** QR ref rotation period inside the page; 0 disables. Default 20000. */
    qrRotateMs?: number;
    /** Upper bound for every wait. Default 30000. */
    timeoutMs?: number;
}

export interface IncomingMessage {
    /** Chat id: `<digits>@c.us` or `<id>@g.us` (then `author` is the sender). With `group`: the sender (`<digits>[@c.us]`). */
    from: string;
    /** A group's id or name: the message arrives in that group from `from`. An unknown name creates the group. */
    group?: string;
    body: string;
    author?: string;
    notifyName?: string;
}

/** A message the account sends from the phone itself (not through the client). */
export interface PhoneMessage {
    /** Chat id (`<digits>@c.us`, `<id>@g.us`) or bare digits. */
    to: string;
    body: string;
}

/** What the recipient's device reports: ack 2 (delivered to the device), 3 (read), 4 (played). */
export type AckLevel = 'device' | 'read' | 'played';

const ACKS: Record<AckLevel, number> = { device: 2, read: 3, played: 4 };

export interface SentMessage {
    /** Serialized message key, equals `message.id._serialized` on the client. */
    id: string;
    to: string;
    body: string;
    type: string;
    timestamp: number;
}

export interface NetMessage {
    key: string;
    msgId: string;
    chatId: string;
    fromMe: boolean;
    from: string;
    to: string;
    author?: string;
    participant?: string;
    notifyName?: string;
    body: string;
    type: string;
    t: number;
    /** Highest ack the network knows; absent: 2 for the account's messages, 0 for the others. */
    ack?: number;
}

export interface NetChat {
    id: string;
    name: string;
    isGroup: boolean;
    participants: string[];
    creation: number;
    messages: NetMessage[];
}

export interface SeedOptions {
    /** Total number of chats. */
    chats: number;
    messagesPerChat: number;
    /** How many of `chats` are groups (the first ones in the returned list). Default 0. */
    groups?: number;
}

export type SocketState =
    | 'CONNECTED'
    | 'OPENING'
    | 'PAIRING'
    | 'TIMEOUT'
    | 'CONFLICT'
    | 'UNPAIRED'
    | 'UNLAUNCHED'
    | 'PROXYBLOCK'
    | 'TOS_BLOCK'
    | 'SMB_TOS_BLOCK'
    | 'DEPRECATED_VERSION';

interface DeviceRecord {
    deviceId: string;
    me: string;
    lid: string;
    pushname: string;
    platform: string;
}

interface PageConn {
    id: string;
    res: http.ServerResponse | null;
    deviceId?: string;
    qr?: string;
    pairing?: { code: string; phoneNumber: string };
    connectedAt: number;
}

interface Pending {
    page: string;
    resolve: (v: Record<string, unknown>) => void;
    reject: (e: Error) => void;
}

const PAGE_SOURCE = new URL('./page/simulator.js', import.meta.url);
const PAIRING_ALPHABET = 'ABCDEFGHJKLMNPQRSTVWXYZ123456789';

export class Phone {
    readonly me: string;
    readonly pushname: string;
    readonly platform: string;
    private readonly lid: string;
    private readonly qrRotateMs: number;
    private readonly timeoutMs: number;
    private server!: http.Server;
    private pages = new Map<string, PageConn>();
    private devices = new Map<string, { record: DeviceRecord; linked: boolean }>();
    private chats = new Map<string, NetChat>();
    private unregisteredNumbers = new Set<string>();
    private sentLog: SentMessage[] = [];
    private pending = new Map<number, Pending>();
    private missing = new Set<string>();
    private expiredQrs = new Set<string>();
    private seq = 0;
    private connectCounter = 0;
    private changes = new EventEmitter();

    private constructor(opts: PhoneOptions) {
        this.me = `${opts.me ?? '15550000000'}@c.us`;
        this.lid = `${(opts.me ?? '15550000000').split('').reverse().join('')}01@lid`;
        this.pushname = opts.pushname ?? 'Simulated Phone';
        this.platform = opts.platform ?? 'android';
        this.qrRotateMs = opts.qrRotateMs ?? 20000;
        this.timeoutMs = opts.timeoutMs ?? 30000;
        this.changes.setMaxListeners(0);
    }

    /** Starts the control server on 127.0.0.1 (random port). */
    static async start(opts: PhoneOptions = {}): Promise<Phone> {
        const phone = new Phone(opts);
        phone.server = http.createServer((req, res) => phone.handle(req, res));
        await new Promise<void>((resolve) => phone.server.listen(0, '127.0.0.1', resolve));
        return phone;
    }

    /** Base URL of the control server, e.g. http://127.0.0.1:41234 */
    get url(): string {
        const { port } = this.server.address() as AddressInfo;
        return `http://127.0.0.1:${port}`;
    }

    /**
     * Writes `<cacheDir>/<version>.html` (what LocalWebCache serves as
     * https://web.whatsapp.com/). `version` becomes `window.Debug.VERSION`.
     */
    async prepare(cacheDir: string, version: string): Promise<string> {
        const js = await readFile(PAGE_SOURCE, 'utf8');
        const config = JSON.stringify({ control: this.url, version, qrRotateMs: this.qrRotateMs });
        const html =
            '<!doctype html><html><head><meta charset="utf-8"><title>WhatsApp</title></head><body>' +
            `<script>window.__SIM__ = ${config};</script>\n<script>\n${js}\n</script></body></html>`;
        await mkdir(cacheDir, { recursive: true });
        const file = path.join(cacheDir, `${version}.html`);
        await writeFile(file, html);
        return file;
    }

    // ------------------------------------------------------------------ linking

    /** The QR string currently shown by the newest unpaired page (waits for one). Equals the client's 'qr' payload. */
    async currentQr(): Promise<string> {
        const page = await this.until(() => this.unpairedPage((p) => !!p.qr), 'a page showing a QR code');
        return page.qr as string;
    }

    /** Forces the page to show a new QR code; resolves with it. */
    async rotateQr(): Promise<string> {
        const page = await this.until(() => this.unpairedPage((p) => !!p.qr), 'a page showing a QR code');
        const { qr } = await this.command(page, { type: 'rotateQr' });
        return qr as string;
    }

    /** Scans `qr` (default: the current one) and links that page. Rejects for an expired (rotated) QR. */
    async scanQr(qr?: string): Promise<void> {
        const wanted = qr ?? (await this.currentQr());
        const page = await this.until(() => {
            if (this.expiredQrs.has(wanted)) throw new Error('QR code expired (no longer shown by any page)');
            return this.unpairedPage((p) => p.qr === wanted);
        }, 'a page showing that QR code');
        await this.link(page);
    }

    /** The last pairing code handed to a page by requestPairingCode (waits for one). */
    async pairingCode(): Promise<string> {
        const page = await this.until(() => this.unpairedPage((p) => !!p.pairing), 'a pairing code request');
        return page.pairing!.code;
    }

    /** Types `code` on the phone. The right code links the requesting page; a wrong one rejects. */
    async enterPairingCode(code: string): Promise<void> {
        const norm = code.replace(/[^0-9a-z]/gi, '').toUpperCase();
        const page = this.unpairedPage((p) => p.pairing?.code === norm);
        if (!page) throw new Error(`Pairing code ${code} refused`);
        await this.link(page);
    }

    /** Number of currently linked devices (companions). */
    async linkedDevices(): Promise<number> {
        return [...this.devices.values()].filter((d) => d.linked).length;
    }

    /** Phone-side "Log out" of all linked devices (client gets 'disconnected' with 'LOGOUT'). */
    async unlink(): Promise<void> {
        const acks: Promise<unknown>[] = [];
        for (const dev of this.devices.values()) {
            if (!dev.linked) continue;
            dev.linked = false;
            for (const page of this.livePages()) {
                if (page.deviceId !== dev.record.deviceId) continue;
                page.deviceId = undefined;
                acks.push(this.command(page, { type: 'unlink' }));
            }
        }
        await Promise.all(acks);
        this.changed();
    }

    // --------------------------------------------------------------- messaging

    /** Someone sends `body` to us; resolves with the message key once a linked page added it (client 'message'). */
    async deliverIncoming(msg: IncomingMessage): Promise<{ id: string }> {
        const chat = msg.group ? this.ensureGroup(msg.group, userId(msg.from)) : this.ensureChat(msg.from);
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
            type: 'chat',
            t: nowSec(),
        };
        chat.messages.push(message);
        const page = await this.until(() => this.linkedPages()[0], 'a linked page to deliver to');
        await this.command(page, { type: 'incoming', message, chat: this.summary(chat, 0) });
        return { id: message.key };
    }

    /**
     * The account sends `body` from the phone (client 'message_create' with fromMe, no 'message').
     * Its id has the phone's form (32 hex digits, or `3A…` for an iPhone), so the library's
     * `deviceType` is 'android'/'ios' where the client's own sends are 'web'. Not in `sent()`.
     */
    async sendFromPhone({ to, body }: PhoneMessage): Promise<{ id: string }> {
        const chat = this.ensureChat(to.includes('@') ? to : userId(to));
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
        chat.messages.push(message);
        const page = await this.until(() => this.linkedPages()[0], 'a linked page to deliver to');
        await this.command(page, { type: 'incoming', message, chat: this.summary(chat, 0) });
        return { id: message.key };
    }

    /** The recipient's device acks a message the account sent (client 'message_ack'). Acks only rise: a lower one changes nothing. */
    async ack(id: string, level: AckLevel): Promise<void> {
        const ack = ACKS[level];
        if (!ack) throw new Error(`phone: unknown ack level ${String(level)} (device | read | played)`);
        const { message } = this.findMessage(id);
        if (!message.fromMe) throw new Error(`phone: only messages the account sent are acked; ${id} is incoming`);
        await this.toLinkedPages(id, { type: 'ack', ack });
        message.ack = Math.max(message.ack ?? 0, ack);
    }

    /** The sender deletes the message for everyone (client 'message_revoke_everyone'); a contact's or the account's own. */
    async revoke(id: string): Promise<void> {
        await this.toLinkedPages(id, { type: 'revoke' });
        const { message } = this.findMessage(id);
        message.type = 'revoked';
        message.body = '';
    }

    /** The sender edits the message's text (client 'message_edit' with the new and previous body). */
    async edit(id: string, body: string): Promise<void> {
        if (this.findMessage(id).message.type === 'revoked') throw new Error(`phone: ${id} was revoked and cannot be edited`);
        await this.toLinkedPages(id, { type: 'edit', body, editId: randomHex(16), editedAtMs: Date.now() });
        this.findMessage(id).message.body = body;
    }

    /**
     * `from` (a contact, or the account itself) reacts to a message with `reaction`; `''` removes
     * the reaction (client 'message_reaction'). Resolves with the reaction's own message key.
     */
    async react(id: string, from: string, reaction: string): Promise<{ id: string }> {
        const { chat } = this.findMessage(id);
        const sender = userId(from);
        const reactionId = randomHex(16);
        await this.toLinkedPages(id, { type: 'react', from: sender, reaction, reactionId, reactedAtMs: Date.now() });
        return { id: `${sender === this.me}_${chat.id}_${reactionId}` + (chat.isGroup ? `_${sender}` : '') };
    }

    /** Messages the client sent, in order, as the network received them. */
    async sent(): Promise<SentMessage[]> {
        return [...this.sentLog];
    }

    /** Marks numbers (digits or `<digits>@c.us`) as not on WhatsApp. Everything else is registered. */
    async unregistered(numbers: string[]): Promise<void> {
        for (const n of numbers) this.unregisteredNumbers.add(digits(n));
    }

    /** Marks numbers as on WhatsApp again (the default for every number). */
    async registered(numbers: string[]): Promise<void> {
        for (const n of numbers) this.unregisteredNumbers.delete(digits(n));
    }

    /**
     * Replaces the chat store with `chats` chats of `messagesPerChat` messages
     * (alternating incoming/outgoing, strictly increasing timestamps, all in the
     * past). Returns them most-recent-first, i.e. in getChats() order. Linked
     * pages re-sync before this resolves.
     */
    async seed({ chats, messagesPerChat, groups = 0 }: SeedOptions): Promise<NetChat[]> {
        this.chats.clear();
        const base = nowSec() - 3600;
        const out: NetChat[] = [];
        for (let i = 0; i < chats; i++) {
            const isGroup = i < groups;
            const contact = `1555${1000000 + i}@c.us`;
            const id = isGroup ? `1203630000000${String(100000 + i)}@g.us` : contact;
            const participants = isGroup ? [this.me, `1555${2000000 + i}@c.us`, `1555${3000000 + i}@c.us`] : [];
            const chat: NetChat = {
                id,
                name: isGroup ? `Group ${i + 1}` : `Contact ${i + 1}`,
                isGroup,
                participants,
                creation: base - 86400,
                messages: [],
            };
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
                    body: `Message ${j + 1} in ${chat.name}`,
                    type: 'chat',
                    t: last - (messagesPerChat - 1 - j),
                });
            }
            this.chats.set(id, chat);
            out.push(chat);
        }
        await Promise.all(this.linkedPages().map((p) => this.command(p, { type: 'resync' })));
        return out.map((c) => ({ ...c, messages: [...c.messages] }));
    }

    // ------------------------------------------------------------------ states

    /** Forces the page's socket state (client 'change_state'; non-accepted states also give 'disconnected'). */
    async setState(state: SocketState): Promise<void> {
        const pages = this.linkedPages();
        if (!pages.length) throw new Error('no linked page is connected');
        await Promise.all(pages.map((p) => this.command(p, { type: 'state', state })));
    }

    /** Phone/network unreachable: socket goes TIMEOUT (the library keeps the session). */
    async dropConnection(): Promise<void> {
        await this.setState('TIMEOUT');
    }

    /** Back to CONNECTED after dropConnection(). */
    async restoreConnection(): Promise<void> {
        await this.setState('CONNECTED');
    }

    /** `window.require()` names the library asked for that the page does not implement. */
    missingModules(): string[] {
        return [...this.missing];
    }

    async close(): Promise<void> {
        for (const p of this.pages.values()) p.res?.end();
        for (const [seq, pend] of this.pending) {
            this.pending.delete(seq);
            pend.reject(new Error('phone closed'));
        }
        this.server.closeAllConnections();
        await new Promise<void>((resolve) => this.server.close(() => resolve()));
    }

    // ---------------------------------------------------------------- internals

    private changed(): void {
        this.changes.emit('change');
    }

    /** Resolves with the first truthy value of `probe`, re-checked on every network event. */
    private until<T>(probe: () => T | undefined | null | false, what: string): Promise<T> {
        let first: T | undefined | null | false;
        try {
            first = probe();
        } catch (e) {
            return Promise.reject(e);
        }
        if (first) return Promise.resolve(first);
        return new Promise<T>((resolve, reject) => {
            const check = () => {
                let v: T | undefined | null | false;
                try {
                    v = probe();
                } catch (e) {
                    cleanup();
                    reject(e);
                    return;
                }
                if (!v) return;
                cleanup();
                resolve(v);
            };
            const timer = setTimeout(() => {
                cleanup();
                reject(new Error(`phone: timed out after ${this.timeoutMs}ms waiting for ${what}; saw ${this.describePages()}`));
            }, this.timeoutMs);
            const cleanup = () => {
                clearTimeout(timer);
                this.changes.off('change', check);
            };
            this.changes.on('change', check);
        });
    }

    private describePages(): string {
        const live = this.livePages();
        const linked = this.linkedPages().length;
        return `${live.length} connected page(s): ${linked} linked, ${live.filter((p) => p.qr && !p.deviceId).length} showing a QR`;
    }

    private livePages(): PageConn[] {
        return [...this.pages.values()].filter((p) => p.res).sort((a, b) => b.connectedAt - a.connectedAt);
    }

    private linkedPages(): PageConn[] {
        return this.livePages().filter((p) => p.deviceId && this.devices.get(p.deviceId)?.linked);
    }

    private unpairedPage(pred: (p: PageConn) => boolean): PageConn | undefined {
        return this.livePages().find((p) => !p.deviceId && pred(p));
    }

    private async link(page: PageConn): Promise<void> {
        const record: DeviceRecord = {
            deviceId: randomHex(8),
            me: this.me,
            lid: this.lid,
            pushname: this.pushname,
            platform: this.platform,
        };
        this.devices.set(record.deviceId, { record, linked: true });
        page.deviceId = record.deviceId;
        if (page.qr) this.expiredQrs.add(page.qr);
        page.qr = undefined;
        page.pairing = undefined;
        await this.command(page, { type: 'link', deviceRecord: record });
        this.changed();
    }

    /** Sends a command over the page's EventSource; resolves with the page's ack. */
    private command(page: PageConn, cmd: Record<string, unknown>): Promise<Record<string, unknown>> {
        const seq = ++this.seq;
        return new Promise((resolve, reject) => {
            const timer = setTimeout(() => {
                this.pending.delete(seq);
                reject(new Error(`phone: page did not ack ${String(cmd.type)} within ${this.timeoutMs}ms`));
            }, this.timeoutMs);
            this.pending.set(seq, {
                page: page.id,
                resolve: (v) => (clearTimeout(timer), resolve(v)),
                reject: (e) => (clearTimeout(timer), reject(e)),
            });
            page.res!.write(`data: ${JSON.stringify({ ...cmd, seq })}\n\n`);
        });
    }

    private findMessage(id: string): { chat: NetChat; message: NetMessage } {
        for (const chat of this.chats.values()) {
            const message = chat.messages.find((m) => m.key === id);
            if (message) return { chat, message };
        }
        throw new Error(`phone: unknown message ${id}`);
    }

    /** Applies a change to message `id` on every linked page (waits for one), with the network's copy of the message. */
    private async toLinkedPages(id: string, cmd: Record<string, unknown>): Promise<void> {
        const { chat, message } = this.findMessage(id);
        await this.until(() => this.linkedPages()[0], 'a linked page to tell');
        const change = { ...cmd, message: { ...message }, chat: this.summary(chat, 0) };
        await Promise.all(this.linkedPages().map((page) => this.command(page, change)));
    }

    /** A group by id or name; a new name creates it with the account and `member`, who joins an existing one too. */
    private ensureGroup(group: string, member: string): NetChat {
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

    private ensureChat(chatId: string): NetChat {
        let chat = this.chats.get(chatId);
        if (!chat) {
            if (chatId.endsWith('@g.us')) throw new Error(`unknown group ${chatId}`);
            chat = {
                id: chatId,
                name: chatId.split('@')[0],
                isGroup: false,
                participants: [],
                creation: nowSec(),
                messages: [],
            };
            this.chats.set(chatId, chat);
        }
        return chat;
    }

    /** Chat as sent to the page: metadata plus the last `count` messages. */
    private summary(chat: NetChat, count: number) {
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

    private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
        // The page origin is https://web.whatsapp.com: allow it (CORS).
        res.setHeader('Access-Control-Allow-Origin', '*');
        res.setHeader('Access-Control-Allow-Headers', '*');
        if (req.method === 'OPTIONS') {
            res.writeHead(204).end();
            return;
        }
        const url = new URL(req.url ?? '/', this.url);
        if (req.method === 'GET' && url.pathname === '/events') {
            this.openEvents(url.searchParams.get('page') ?? 'unknown', req, res);
            return;
        }
        if (req.method === 'POST' && url.pathname === '/rpc') {
            let body = '';
            req.setEncoding('utf8');
            req.on('data', (c: string) => (body += c));
            req.on('end', () => {
                let reply: unknown;
                let status = 200;
                try {
                    reply = this.rpc(JSON.parse(body));
                } catch (e) {
                    status = 400;
                    reply = { error: e instanceof Error ? e.message : String(e) };
                }
                res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(reply));
                this.changed();
            });
            return;
        }
        res.writeHead(404).end();
    }

    private openEvents(id: string, req: http.IncomingMessage, res: http.ServerResponse): void {
        res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
        res.flushHeaders();
        req.socket.setTimeout(0);
        const page = this.pages.get(id) ?? { id, res: null, connectedAt: 0 };
        page.res = res;
        page.connectedAt = ++this.connectCounter;
        this.pages.set(id, page);
        req.on('close', () => {
            if (page.res !== res) return;
            page.res = null;
            for (const [seq, pend] of this.pending) {
                if (pend.page !== id) continue;
                this.pending.delete(seq);
                pend.reject(new Error('page went away'));
            }
            this.changed();
        });
        this.changed();
    }

    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    private rpc(msg: any): unknown {
        const id = String(msg.page);
        const page = this.pages.get(id) ?? { id, res: null, connectedAt: 0 };
        this.pages.set(id, page);
        switch (msg.op) {
            case 'hello': {
                const dev = msg.deviceId ? this.devices.get(msg.deviceId) : undefined;
                if (dev?.linked) {
                    page.deviceId = dev.record.deviceId;
                    return { linked: true, deviceRecord: dev.record };
                }
                page.deviceId = undefined;
                return { linked: false };
            }
            case 'qr':
                if (page.qr) this.expiredQrs.add(page.qr);
                page.qr = msg.qr;
                return {};
            case 'pairing': {
                const code = Array.from(randomBytes(8), (b) => PAIRING_ALPHABET[b % PAIRING_ALPHABET.length]).join('');
                page.pairing = { code, phoneNumber: String(msg.phoneNumber) };
                return { code };
            }
            case 'sync':
                return {
                    chats: [...this.chats.values()]
                        .map((c) => this.summary(c, msg.count))
                        .sort((a, b) => b.t - a.t),
                };
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
            case 'send': {
                const m = msg.message;
                const chat = this.ensureChat(m.chatId);
                chat.messages.push({ ...m, fromMe: true, participant: chat.isGroup ? this.me : undefined, ack: 1 });
                this.sentLog.push({ id: m.key, to: m.chatId, body: m.body, type: m.type, timestamp: m.t });
                return {};
            }
            case 'logout': {
                const dev = msg.deviceId ? this.devices.get(msg.deviceId) : undefined;
                if (dev) dev.linked = false;
                page.deviceId = undefined;
                return {};
            }
            case 'ack': {
                const pend = this.pending.get(msg.seq);
                if (pend) {
                    this.pending.delete(msg.seq);
                    if (msg.error) pend.reject(new Error(msg.error));
                    else pend.resolve(msg.result ?? {});
                }
                return {};
            }
            case 'missing':
                this.missing.add(String(msg.module));
                return {};
            default:
                throw new Error(`unknown op ${msg.op}`);
        }
    }
}

function randomHex(bytes: number): string {
    return randomBytes(bytes).toString('hex').toUpperCase();
}

function nowSec(): number {
    return Math.floor(Date.now() / 1000);
}

function digits(n: string): string {
    return n.split('@')[0].replace(/\D/g, '');
}

/** `<digits>@c.us` for bare digits; an id with a server stays as it is. */
function userId(n: string): string {
    return n.includes('@') ? n : `${digits(n)}@c.us`;
}

function randomDigits(count: number): string {
    return Array.from(randomBytes(count), (b) => String(b % 10)).join('');
}
