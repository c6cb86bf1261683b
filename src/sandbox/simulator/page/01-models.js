/*
 * Simulated WhatsApp Web page.
 *
 * whatsapp-web.js never looks at the DOM: it polls `window.Debug.VERSION`, then
 * drives the page exclusively through `window.require('<WA module>')`. This page
 * provides exactly the modules/members the library (1.34.7) touches for:
 * injection, QR + pairing-code linking, ready/info, getNumberId, sendMessage,
 * getChats/getChatById/fetchMessages, incoming messages (also the account's own,
 * sent from the phone), acks, revokes, edits, reactions, logout/unlink and state
 * changes. Everything else is absent on purpose (see `missing` below).
 *
 * The "network" (phone, contacts, chats, history) lives in the phone driver's
 * control server (../phone.ts). This page talks to it over
 * EventSource (commands -> page) and fetch POST /rpc (page -> network).
 * The only state kept here is the linked-device record in IndexedDB, so a
 * Chrome profile (LocalAuth dataPath) restores the session like the real thing.
 *
 * The page is these numbered files, joined in order inside one strict IIFE by the
 * driver's prepare() (they share its scope), with `window.__SIM__`
 * ({ control, version, qrRotateMs }) set before it.
 *
 * Part 1: the Backbone-like models, ids and message keys the library expects.
 */

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
  isUser() {
    return this.server === 'c.us' || this.server === 'lid';
  }
  isGroup() {
    return this.server === 'g.us';
  }
  isLid() {
    return this.server === 'lid';
  }
  isStatus() {
    return this._serialized === 'status@broadcast';
  }
  isBroadcast() {
    return this.server === 'broadcast';
  }
  isNewsletter() {
    return this.server === 'newsletter';
  }
  toString() {
    return this._serialized;
  }
  toJid() {
    return this.user + '@' + (this.server === 'c.us' ? 's.whatsapp.net' : this.server);
  }
  equals(o) {
    return !!o && o._serialized === this._serialized;
  }
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
      `${this.fromMe}_${this.remote._serialized}_${this.id}` + (this.participant ? '_' + this.participant._serialized : '');
  }
  static async newId() {
    return randomId('3EB0', 20);
  }
  toString() {
    return this._serialized;
  }
}
function randomId(prefix, len) {
  const bytes = crypto.getRandomValues(new Uint8Array(len));
  return (prefix + Array.from(bytes, (b) => (b % 16).toString(16)).join('')).slice(0, len).toUpperCase();
}
