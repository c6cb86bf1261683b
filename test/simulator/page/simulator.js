/*
 * Simulated WhatsApp Web page.
 *
 * whatsapp-web.js never looks at the DOM: it polls `window.Debug.VERSION`, then
 * drives the page exclusively through `window.require('<WA module>')`. This file
 * provides exactly the modules/members the library (1.34.7) touches for:
 * injection, QR + pairing-code linking, ready/info, getNumberId, sendMessage,
 * getChats/getChatById/fetchMessages, incoming messages (also the account's own,
 * sent from the phone), acks, revokes, edits, reactions, logout/unlink and state
 * changes. Everything else is absent on purpose (see `missing` below).
 *
 * The "network" (phone, contacts, chats, history) lives in the phone driver's
 * control server (test/simulator/phone.ts). This page talks to it over
 * EventSource (commands -> page) and fetch POST /rpc (page -> network).
 * The only state kept here is the linked-device record in IndexedDB, so a
 * Chrome profile (LocalAuth dataPath) restores the session like the real thing.
 *
 * `window.__SIM__` ({ control, version, qrRotateMs }) is written by prepare().
 */
(function () {
    'use strict';
    const SIM = window.__SIM__;
    const STORAGE_KEY = 'sim:device';
    const PAGE_ID = 'page-' + Math.random().toString(36).slice(2, 10);
    const INITIAL_MSGS_PER_CHAT = 5; // what the initial sync loads; the rest comes from loadEarlierMsgs
    const EARLIER_PAGE = 20; // messages per loadEarlierMsgs() call

    // ---------------------------------------------------------------- helpers
    /** Backbone-ish event emitter: the library calls on/off/once with "a b" event lists. */
    class Emitter {
        constructor() {
            Object.defineProperty(this, '_ev', { value: {}, enumerable: false });
        }
        on(names, fn) {
            for (const n of names.split(/\s+/)) {
                (this._ev[n] = this._ev[n] || []).push(fn);
                listened(this, n);
            }
            return this;
        }
        off(names, fn) {
            for (const n of names.split(/\s+/)) {
                this._ev[n] = (this._ev[n] || []).filter((f) => f !== fn);
            }
            return this;
        }
        once(name, fn) {
            const w = (...a) => {
                this.off(name, w);
                fn(...a);
            };
            return this.on(name, w);
        }
        trigger(name, ...args) {
            for (const fn of [...(this._ev[name] || [])]) {
                try {
                    fn(...args);
                } catch (e) {
                    console.error('[sim] listener for', name, 'threw', e);
                }
            }
        }
        listenerCount(name) {
            return (this._ev[name] || []).length;
        }
    }

    // Some transitions must wait until the library is listening, otherwise the
    // event would be lost (e.g. hasSynced flipping before inject() registered
    // its 'change:hasSynced' listener means 'ready' never fires).
    const listenWaiters = [];
    function listened(emitter, name) {
        for (const w of [...listenWaiters]) {
            if (w.emitter === emitter && w.name === name) {
                listenWaiters.splice(listenWaiters.indexOf(w), 1);
                w.resolve();
            }
        }
    }
    /** Resolves once somebody (i.e. the library) listens to `name` on `emitter`. */
    function whenListened(emitter, name) {
        if (emitter.listenerCount(name) > 0) return Promise.resolve();
        return new Promise((resolve) => listenWaiters.push({ emitter, name, resolve }));
    }

    /**
     * Model: attributes are plain own properties. set(key, value) or set({ ...attrs }) fires change
     * events on the model and its collections; like Backbone, every attribute of one set() has its
     * new value before the first event fires.
     */
    class Model extends Emitter {
        constructor(attrs) {
            super();
            Object.defineProperty(this, '_collections', { value: [], enumerable: false });
            Object.assign(this, attrs);
        }
        set(key, value) {
            const changed = [];
            for (const [k, v] of Object.entries(typeof key === 'object' ? key : { [key]: value })) {
                if (this[k] === v) continue;
                changed.push([k, v, this[k]]);
                this[k] = v;
            }
            if (!changed.length) return;
            for (const target of [this, ...this._collections]) {
                for (const [k, v, prev] of changed) target.trigger('change:' + k, this, v, prev);
                target.trigger('change', this);
            }
        }
    }

    /** Collection keyed by id._serialized; getModelsArray() is sorted by `compare`. */
    class Collection extends Emitter {
        constructor(compare) {
            super();
            this._models = new Map();
            this._compare = compare;
        }
        get(id) {
            if (!id) return undefined;
            return this._models.get(typeof id === 'string' ? id : id._serialized);
        }
        add(model, { silent = false } = {}) {
            const key = model.id._serialized;
            if (this._models.has(key)) return this._models.get(key);
            this._models.set(key, model);
            model._collections.push(this);
            if (!silent) this.trigger('add', model);
            return model;
        }
        reset() {
            for (const m of this._models.values()) m._collections.splice(m._collections.indexOf(this), 1);
            this._models.clear();
        }
        getModelsArray() {
            const arr = [...this._models.values()];
            return this._compare ? arr.sort(this._compare) : arr;
        }
        get length() {
            return this._models.size;
        }
        async find(id) {
            return this.get(createWid(id));
        }
    }

    // ------------------------------------------------------------------- Wid
    /** WhatsApp id ("user@server"); the library calls isUser/isGroup/isLid/isStatus on it. */
    class Wid {
        constructor(user, server) {
            this.server = server;
            this.user = user;
            this._serialized = user + '@' + server;
        }
        isUser() { return this.server === 'c.us' || this.server === 'lid'; }
        isGroup() { return this.server === 'g.us'; }
        isLid() { return this.server === 'lid'; }
        isStatus() { return this._serialized === 'status@broadcast'; }
        isBroadcast() { return this.server === 'broadcast'; }
        isNewsletter() { return this.server === 'newsletter'; }
        toString() { return this._serialized; }
        toJid() { return this.user + '@' + (this.server === 'c.us' ? 's.whatsapp.net' : this.server); }
        equals(o) { return !!o && o._serialized === this._serialized; }
    }
    function createWid(id) {
        if (id instanceof Wid) return id;
        const s = typeof id === 'string' ? id : id && id._serialized;
        if (!s || !s.includes('@')) throw new Error('[sim] invalid wid: ' + s);
        const [user, server] = s.split('@');
        return new Wid(user, server === 's.whatsapp.net' ? 'c.us' : server);
    }

    /** Message key, constructed by WWebJS.sendMessage via `new (require('WAWebMsgKey'))({...})`. */
    class MsgKey {
        constructor({ from, to, id, participant, selfDir, fromMe, remote }) {
            this.fromMe = fromMe !== undefined ? fromMe : selfDir === 'out';
            this.remote = remote ? createWid(remote) : createWid(this.fromMe ? to : from);
            this.id = id;
            if (participant) this.participant = createWid(participant);
            this._serialized =
                `${this.fromMe}_${this.remote._serialized}_${this.id}` +
                (this.participant ? '_' + this.participant._serialized : '');
        }
        static async newId() {
            return randomId('3EB0', 20);
        }
        toString() { return this._serialized; }
    }
    function randomId(prefix, len) {
        const bytes = crypto.getRandomValues(new Uint8Array(len));
        return (prefix + Array.from(bytes, (b) => (b % 16).toString(16)).join(''))
            .slice(0, len)
            .toUpperCase();
    }

    // ---------------------------------------------------------------- models
    const MSG_FIELDS = ['id', 'body', 'type', 't', 'from', 'to', 'author', 'ack', 'isNewMsg', 'local', 'self',
        'star', 'isForwarded', 'forwardingScore', 'broadcast', 'hasReaction', 'mentionedJidList', 'groupMentions',
        'notifyName', 'isNotification', 'subtype', 'latestEditMsgKey', 'latestEditSenderTimestampMs'];
    class Msg extends Model {
        // WWebJS.getMessageModel(): msg.serialize() + isEphemeral/isStatusV3/mediaObject/caption/body.
        serialize() {
            const o = {};
            for (const k of MSG_FIELDS) if (this[k] !== undefined) o[k] = this[k];
            return o;
        }
    }

    class GroupMetadata extends Model {
        // getChatModel(): chat.groupMetadata.serialize() (participants[].id go through toPn) + .announce
        serialize() {
            return {
                id: this.id, subject: this.subject, owner: this.owner, creation: this.creation,
                desc: this.desc, announce: this.announce, restrict: false,
                participants: this.participants.map((p) => ({ ...p })),
            };
        }
    }

    class Chat extends Model {
        // getChatModel(): chat.serialize(); `msgs` must have a length for lastMessage to be looked up.
        serialize() {
            return {
                id: this.id, name: this.name, t: this.t, unreadCount: this.unreadCount, archive: false,
                pin: 0, isLocked: false, muteExpiration: 0, isReadOnly: false,
                msgs: this.msgs.getModelsArray().map((m) => m.id._serialized),
            };
        }
        get formattedTitle() { return this.name; }
    }

    const byTimeAsc = (a, b) => a.t - b.t;
    const MsgCollection = new Collection(byTimeAsc);
    const ChatCollection = new Collection((a, b) => b.t - a.t); // chat list: most recent first
    const GroupMetadataCollection = new Collection();
    MsgCollection.modelClass = Msg;
    MsgCollection.getMessagesById = async (ids) => ({ messages: ids.map((id) => MsgCollection.get(id)).filter(Boolean) });
    GroupMetadataCollection.update = async () => {}; // metadata comes with the sync already

    function msgFromNet(m, isNewMsg) {
        const existing = MsgCollection.get(m.key);
        if (existing) return existing;
        const remote = createWid(m.chatId);
        return new Msg({
            id: new MsgKey({ fromMe: m.fromMe, remote, id: m.msgId, participant: m.participant }),
            body: m.body, type: m.type || 'chat', t: m.t,
            from: createWid(m.from), to: createWid(m.to), author: m.author ? createWid(m.author) : undefined,
            ack: m.ack !== undefined ? m.ack : m.fromMe ? 2 : 0, isNewMsg, local: false, self: m.fromMe ? 'out' : 'in',
            star: false, isForwarded: false, forwardingScore: 0, broadcast: false, hasReaction: false,
            mentionedJidList: [], groupMentions: [], notifyName: m.notifyName,
        });
    }

    function chatFromNet(c) {
        let chat = ChatCollection.get(c.id);
        if (!chat) {
            const id = createWid(c.id);
            chat = new Chat({ id, name: c.name, t: c.t || 0, unreadCount: 0, mute: { expiration: 0 }, msgs: new Collection(byTimeAsc) });
            if (c.isGroup) {
                chat.groupMetadata = new GroupMetadata({
                    id, subject: c.name, owner: createWid(c.participants[0]), creation: c.creation || c.t || 0,
                    desc: '', announce: false,
                    participants: c.participants.map((p, i) => ({ id: createWid(p), isAdmin: i === 0, isSuperAdmin: i === 0 })),
                });
                GroupMetadataCollection.add(chat.groupMetadata, { silent: true });
            }
            ChatCollection.add(chat, { silent: true });
        }
        return chat;
    }

    /** Adds a message to the global Msg collection and its chat, updating chat order / last message. */
    function addMsgToChat(chat, msg, { silent }) {
        MsgCollection.add(msg, { silent });
        chat.msgs.add(msg, { silent: true });
        if (msg.t >= (chat.t || 0)) {
            chat.lastReceivedKey = msg.id; // getChatModel() resolves lastMessage through this key
            chat.set('t', msg.t);
        }
        if (!silent && !msg.id.fromMe) chat.set('unreadCount', (chat.unreadCount || 0) + 1);
    }

    /** The page's model of a network message, loaded quietly (as scrolling to it would) if the page does not hold it. */
    function loadedMsg({ message, chat }) {
        const existing = MsgCollection.get(message.key);
        if (existing) return existing;
        const msg = msgFromNet(message, false);
        MsgCollection.add(msg, { silent: true });
        chatFromNet(chat).msgs.add(msg, { silent: true });
        return msg;
    }

    // Reactions: the client wraps reactionTableMode.bulkUpsert (WWebJS.injectToFunction in
    // attachEventListeners) and turns each stored record into 'message_reaction'. The setter says
    // when that happened, so a reaction is never stored before the client hears it.
    let reactionsHeard;
    const reactionsWrapped = new Promise((resolve) => (reactionsHeard = resolve));
    let storeReactions = async () => {};
    const reactionTableMode = {
        get bulkUpsert() { return storeReactions; },
        set bulkUpsert(fn) {
            storeReactions = fn;
            reactionsHeard();
        },
    };

    // --------------------------------------------------------------- network
    async function rpc(op, body = {}) {
        const res = await fetch(SIM.control + '/rpc', {
            method: 'POST',
            // text/plain keeps this a "simple" CORS request (no preflight)
            headers: { 'content-type': 'text/plain' },
            body: JSON.stringify({ op, page: PAGE_ID, ...body }),
        });
        const json = await res.json();
        if (!res.ok) throw new Error(json.error || 'rpc ' + op + ' failed');
        return json;
    }

    // --------------------------------------------------------- socket / conn
    // Socket (WAWebSocketModel): inject() waits while state is OPENING, treats
    // UNPAIRED as "needs auth", listens to change:state and change:hasSynced;
    // logout() is Client.logout(); takeover() is takeoverOnConflict.
    const Socket = new Model({ state: 'OPENING', hasSynced: false });
    Socket.logout = async () => {
        const dev = await loadDevice();
        await clearDevice();
        await rpc('logout', { deviceId: dev && dev.deviceId });
    };
    Socket.takeover = () => Socket.set('state', 'CONNECTED');
    // Conn (WAWebConnModel): QR ref (+ change:ref for rotation), serialize() for client.info.
    const Conn = new Model({ ref: null, pushname: undefined, platform: undefined });
    Conn.serialize = () => ({ ref: Conn.ref, pushname: Conn.pushname, platform: Conn.platform, phone: undefined });
    // Cmd (WAWebCmd): the library only subscribes (logout, offline progress) / calls refreshQR.
    const Cmd = new Emitter();
    Cmd.refreshQR = () => rotateQr();

    let me = null; // { pn: Wid, lid: Wid }

    // QR keys: the QR string the library builds is ref,noiseKey,identityKey,advSecret,platform.
    const b64 = (bytes) => btoa(String.fromCharCode(...bytes));
    const noiseKeyPair = { pubKey: crypto.getRandomValues(new Uint8Array(32)) };
    const identityKeyPair = { pubKey: crypto.getRandomValues(new Uint8Array(32)) };
    const advSecret = b64(crypto.getRandomValues(new Uint8Array(32)));
    const DEVICE_PLATFORM = 'WEB';
    const qrString = (ref) => [ref, b64(noiseKeyPair.pubKey), b64(identityKeyPair.pubKey), advSecret, DEVICE_PLATFORM].join(',');

    let qrTimer = null;
    /** New QR ref (Conn change:ref -> library emits 'qr'); reported to the phone so it can "scan" it. */
    async function rotateQr({ force = false } = {}) {
        if (!force && Socket.state !== 'UNPAIRED') return null;
        const ref = '2@' + b64(crypto.getRandomValues(new Uint8Array(48)));
        // Tell the phone first, so a QR the client has seen is always scannable.
        await rpc('qr', { qr: qrString(ref) });
        Conn.set('ref', ref);
        return qrString(ref);
    }

    // The record lives in IndexedDB, where WhatsApp Web keeps its keys: a transaction that
    // completed is on disk, so a Chrome killed right after linking still restores the session
    // (localStorage writes are batched for seconds and lost with a SIGKILLed browser).
    function deviceStore(mode, use) {
        return new Promise((resolve, reject) => {
            const open = indexedDB.open('sim', 1);
            open.onupgradeneeded = () => open.result.createObjectStore('device');
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
                const db = open.result;
                const tx = db.transaction('device', mode, { durability: 'strict' });
                const request = use(tx.objectStore('device'));
                tx.oncomplete = () => (db.close(), resolve(request.result));
                tx.onerror = tx.onabort = () => (db.close(), reject(tx.error));
            };
        });
    }
    async function loadDevice() {
        try {
            return (await deviceStore('readonly', (store) => store.get(STORAGE_KEY))) || null;
        } catch {
            return null;
        }
    }
    function saveDevice(record) {
        return deviceStore('readwrite', (store) => store.put(record, STORAGE_KEY));
    }
    function clearDevice() {
        return deviceStore('readwrite', (store) => store.delete(STORAGE_KEY));
    }

    async function goUnpaired() {
        // The ref must exist before the state flips: inject() reads Conn.ref right after UNPAIRED.
        await rotateQr({ force: true });
        Socket.set('state', 'UNPAIRED');
        if (SIM.qrRotateMs > 0) qrTimer = setInterval(rotateQr, SIM.qrRotateMs);
    }

    /** Linked: CONNECTED -> initial sync -> hasSynced (once the library listens) => 'authenticated' + 'ready'. */
    async function goConnected(device) {
        clearInterval(qrTimer);
        me = { pn: createWid(device.me), lid: createWid(device.lid) };
        Conn.pushname = device.pushname;
        Conn.platform = device.platform;
        Socket.set('state', 'CONNECTED');
        await resync();
        await whenListened(Socket, 'change:hasSynced');
        Socket.set('hasSynced', true);
    }

    async function resync() {
        const { chats } = await rpc('sync', { count: INITIAL_MSGS_PER_CHAT });
        MsgCollection.reset();
        ChatCollection.reset();
        for (const c of chats) {
            const chat = chatFromNet(c);
            for (const m of c.messages) addMsgToChat(chat, msgFromNet(m, false), { silent: true });
        }
    }

    // Commands pushed by the phone driver. Each returns a result that is acked back.
    const commands = {
        async link({ deviceRecord }) {
            await saveDevice(deviceRecord);
            Socket.set('state', 'PAIRING');
            goConnected(deviceRecord); // ack now; 'ready' follows on the library side
            return { linked: true };
        },
        async rotateQr() {
            return { qr: await rotateQr() };
        },
        // A message from the network: a contact's ('message' + 'message_create') or the account's
        // own, sent from the phone (fromMe: 'message_create' only).
        async incoming({ message, chat }) {
            // Wait until attachEventListeners() subscribed to Msg 'add' (only then
            // does the library turn it into an event).
            await whenListened(MsgCollection, 'add');
            const c = chatFromNet(chat);
            addMsgToChat(c, msgFromNet(message, true), { silent: false });
            return { id: message.key };
        },
        // The recipient's device acked: Msg 'change:ack' -> onMessageAckEvent -> 'message_ack'(msg, ack).
        // Acks only rise, as on the network: a lower or equal one changes nothing.
        async ack({ message, chat, ack }) {
            await whenListened(MsgCollection, 'change:ack');
            const msg = loadedMsg({ message, chat });
            if (ack > (msg.ack || 0)) msg.set('ack', ack);
            return { ack: msg.ack };
        },
        async revoke({ message, chat }) {
            await whenListened(MsgCollection, 'change:type');
            const msg = loadedMsg({ message, chat });
            // Msg 'change' makes the client keep this message as it was (the 'before' argument);
            // then 'change:type' to 'revoked' -> onChangeMessageTypeEvent -> 'message_revoke_everyone'(after, before).
            // The body goes in the same set(): its 'change:body' then finds the type revoked, which the
            // client's edit listener ignores.
            msg.set('subtype', 'sender_revoke');
            msg.set({ type: 'revoked', body: undefined });
            return {};
        },
        async edit({ message, chat, body, editId, editedAtMs }) {
            await whenListened(MsgCollection, 'change:body');
            const msg = loadedMsg({ message, chat });
            if (msg.type === 'revoked') throw new Error('[sim] a revoked message cannot be edited');
            // Msg 'change:body' -> onEditMessageEvent -> 'message_edit'(msg, newBody, prevBody); the
            // message it carries has Message.latestEditMsgKey / latestEditSenderTimestampMs already.
            msg.set({
                latestEditMsgKey: new MsgKey({ fromMe: msg.id.fromMe, remote: msg.id.remote, id: editId, participant: msg.id.participant }),
                latestEditSenderTimestampMs: editedAtMs,
                body,
            });
            return {};
        },
        async react({ message, chat, from, reaction, reactionId, reactedAtMs }) {
            await reactionsWrapped;
            const parent = loadedMsg({ message, chat });
            const sender = createWid(from);
            const inGroup = parent.id.remote.isGroup();
            // The fields the client's bulkUpsert wrapper and Reaction read: id -> reaction.id,
            // reactionParentKey -> msgId, author ?? from -> senderId, reactionText, reactionTimestamp (ms).
            await reactionTableMode.bulkUpsert([{
                id: new MsgKey({ fromMe: !!me && sender.equals(me.pn), remote: parent.id.remote, id: reactionId, participant: inGroup ? sender : undefined }),
                reactionParentKey: parent.id,
                reactionText: reaction,
                reactionTimestamp: reactedAtMs,
                from: inGroup ? parent.id.remote : sender,
                author: inGroup ? sender : undefined,
                orphan: 0,
                orphanReason: null,
                read: false,
            }]);
            return {};
        },
        async state({ state }) {
            // Applied after the ack: states like CONFLICT make the library destroy the
            // browser right away, which would otherwise kill the ack in flight.
            return { state, after: () => Socket.set('state', state) };
        },
        async resync() {
            await resync();
            return {};
        },
        async unlink() {
            // Phone-side unlink: real WA Web navigates to a post_logout=1 URL, which is
            // what Client's 'framenavigated' handler watches for (-> disconnected LOGOUT,
            // LocalAuth wipe, re-inject). The document must stay on the
            // web.whatsapp.com origin and load without network, so we navigate to a
            // blob: copy of this very page with the marker in the fragment.
            await clearDevice();
            const after = () => {
                const html = '<!doctype html>' + document.documentElement.outerHTML;
                const url = URL.createObjectURL(new Blob([html], { type: 'text/html' }));
                location.href = url + '#post_logout=1';
            };
            return { after };
        },
    };

    function connectControl() {
        const es = new EventSource(SIM.control + '/events?page=' + PAGE_ID);
        es.onmessage = async (e) => {
            const cmd = JSON.parse(e.data);
            try {
                // A command may return `after`: work to do once the phone has its ack.
                const { after, ...result } = await commands[cmd.type](cmd);
                await rpc('ack', { seq: cmd.seq, result });
                if (after) after();
            } catch (err) {
                await rpc('ack', { seq: cmd.seq, error: String((err && err.message) || err) });
            }
        };
        return new Promise((resolve) => (es.onopen = resolve));
    }

    async function boot() {
        await connectControl();
        const device = await loadDevice();
        const { linked, deviceRecord } = await rpc('hello', { deviceId: device && device.deviceId, url: location.href });
        if (linked) {
            await goConnected(deviceRecord);
        } else {
            if (device) await clearDevice(); // unlinked from the phone while we were offline
            await goUnpaired();
        }
    }

    // ------------------------------------------------------------- modules
    const isGroupChat = (chat) => chat.id.isGroup();
    const URL_RE = /\bhttps?:\/\/[^\s]+/gi;
    const modules = {
        // --- startup / AuthStore (AuthStore.js, Client.inject)
        WAWebSocketModel: { Socket },
        WAWebConnModel: { Conn },
        WAWebCmd: { Cmd },
        WAWebOfflineHandler: { OfflineMessageHandler: { getOfflineDeliveryProgress: () => 100 } },
        WABase64: { encodeB64: b64 },
        WAWebCompanionRegClientUtils: { DEVICE_PLATFORM },
        WAWebAdvSignatureApi: {},
        WAWebUserPrefsInfoStore: { waNoiseInfo: { get: async () => ({ staticKeyPair: noiseKeyPair }) } },
        WAWebSignalStoreApi: { waSignalStore: { getRegistrationInfo: async () => ({ identityKeyPair }) } },
        WAWebUserPrefsMultiDevice: { getADVSecretKey: () => advSecret },
        WAWebMiscBrowserUtils: { info: () => ({ os: 'Linux', name: 'Chrome', version: '120' }) }, // setDeviceName()
        // --- pairing code (requestPairingCode / cancelPairingCode)
        WAWebAltDeviceLinkingApi: {
            setPairingType: () => {},
            initializeAltDeviceLinking: async () => {},
            initializeQRLinking: async () => {},
            startAltLinkingFlow: async (phoneNumber, showNotification) =>
                (await rpc('pairing', { phoneNumber, showNotification })).code,
        },
        WAWebLaunchSocketUtils: { refreshQR: () => rotateQr() },
        // --- ready: client.info
        WAWebUserPrefsMeUser: {
            getMaybeMePnUser: () => me && me.pn,
            getMaybeMeLidUser: () => me && me.lid,
            getMeUser: () => me && me.pn,
        },
        // --- attachEventListeners()
        WAWebCollections: { Msg: MsgCollection, Chat: ChatCollection, GroupMetadata: GroupMetadataCollection },
        WAWebSyncGatingUtils: { isPlaceholderMessageResendEnabled: () => false },
        // --- ids
        WAWebWidFactory: {
            createWid,
            asUserWidOrThrow: (w) => {
                const wid = createWid(w);
                if (!wid.isUser()) throw new Error('[sim] not a user wid: ' + wid);
                return wid;
            },
        },
        WAWebMsgKey: MsgKey, // used both as constructor and for the static newId()
        // --- getNumberId
        WAWebQueryExistsJob: {
            queryWidExists: async (wid) => {
                const { exists, wid: found } = await rpc('exists', { wid: wid._serialized });
                return exists ? { wid: createWid(found) } : null;
            },
        },
        // --- getChat / sendSeen / sendMessage
        WAWebFindChatAction: {
            findOrCreateLatestChat: async (wid) => {
                const { chat } = await rpc('chat', { chatId: wid._serialized });
                return { chat: chatFromNet(chat), created: true };
            },
        },
        WAWebStreamModel: { Stream: { markAvailable: () => {}, markUnavailable: () => {} } },
        WAWebUpdateUnreadChatAction: {
            sendSeen: async ({ chat }) => chat.set('unreadCount', 0),
        },
        WAWebChatGetters: {
            getIsNewsletter: (chat) => chat.id.server === 'newsletter',
            getIsBroadcast: (chat) => chat.id.server === 'broadcast',
            getIsGroup: isGroupChat,
        },
        WALinkify: {
            findLinks: (text) => (typeof text === 'string' ? text.match(URL_RE) || [] : []).map((href) => ({ href, url: href })),
            findLink: (text) => {
                const links = modules.WALinkify.findLinks(text);
                return links.length ? links[0] : null;
            },
        },
        WAWebLinkPreviewChatAction: { getLinkPreview: async () => null }, // no internet: never a preview
        WAWebGetEphemeralFieldsMsgActionsUtils: { getEphemeralFields: () => ({}) },
        WAWebSendMsgChatAction: {
            // Returns [msgPromise, sendResultPromise] like WA. In the simulator the
            // message is handed to the network *before* msgPromise resolves, so once
            // client.sendMessage() resolves, phone.sent() already contains it.
            addAndSendMsgToChat: (chat, message) => {
                const msg = new Msg({ ...message, id: message.id });
                const sent = rpc('send', {
                    message: {
                        key: msg.id._serialized, msgId: msg.id.id, chatId: chat.id._serialized,
                        from: msg.from._serialized, to: msg.to._serialized, body: msg.body, type: msg.type, t: msg.t,
                    },
                }).then(() => {
                    addMsgToChat(chat, msg, { silent: false });
                    msg.set('ack', 1); // server ack
                    return msg;
                });
                return [sent, sent.then(() => ({ messageSendResult: 'OK' }))];
            },
        },
        // --- fetchMessages
        WAWebChatLoadMessages: {
            loadEarlierMsgs: async ({ chat }) => {
                const oldest = chat.msgs.getModelsArray()[0];
                const { messages } = await rpc('history', {
                    chatId: chat.id._serialized, before: oldest && oldest.id._serialized, count: EARLIER_PAGE,
                });
                return messages.map((m) => {
                    const msg = msgFromNet(m, false);
                    MsgCollection.add(msg, { silent: true });
                    chat.msgs.add(msg, { silent: true });
                    return msg;
                });
            },
        },
        WAWebLidMigrationUtils: { toPn: (w) => w },
        // --- 'message_reaction' (see reactionTableMode above)
        WAWebAddonReactionTableMode: { reactionTableMode },
    };

    // Unknown modules return undefined (the library guards optional ones, e.g.
    // WAWebCallCollection); names are recorded so the driver can report gaps.
    const missing = new Set();
    window.require = (name) => {
        if (Object.prototype.hasOwnProperty.call(modules, name)) return modules[name];
        if (!missing.has(name)) {
            missing.add(name);
            rpc('missing', { module: name }).catch(() => {});
        }
        return undefined;
    };
    // inject() polls this before doing anything else.
    window.Debug = { VERSION: SIM.version };

    boot().catch((e) => console.error('[sim] boot failed', e));
})();
