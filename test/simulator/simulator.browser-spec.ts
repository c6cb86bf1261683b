/**
 * Probe: the REAL whatsapp-web.js 1.34.7 in a REAL Chromium against the
 * simulated WhatsApp Web page (src/sandbox/simulator/page/) driven by its phone.ts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Client as WAClient, Message } from 'whatsapp-web.js';
import { jest } from '@jest/globals';
import { Phone } from '../../src/sandbox/simulator/phone.js';
import { OPTIONAL_MODULES, VERSION, linkedClient as linkClient, newClient as createClient, next } from './harness.js';

jest.setTimeout(120_000);

let phone: Phone;
let cacheDir: string;
const tempDirs: string[] = [];

async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

const newClient = (authDir: string, extra: Record<string, unknown> = {}) => createClient(cacheDir, authDir, extra);
const linkedClient = (authDir: string) => linkClient(phone, cacheDir, authDir);

async function withClient(client: WAClient, fn: (c: WAClient) => Promise<void>): Promise<void> {
  try {
    await fn(client);
  } finally {
    await client.destroy();
  }
}

beforeEach(async () => {
  phone = await Phone.start();
  cacheDir = await tempDir('sim-cache-');
  await phone.prepare(cacheDir, VERSION);
});

afterEach(async () => {
  const missing = phone.missingModules();
  await phone.close();
  // Only optional modules the library probes with a guard may be absent.
  expect(missing.filter((m) => !OPTIONAL_MODULES.includes(m))).toEqual([]);
});

afterAll(async () => {
  await Promise.all(tempDirs.map((d) => rm(d, { recursive: true, force: true })));
});

test('QR pairing -> authenticated -> ready with info; QR rotates', async () => {
  const client = newClient(await tempDir('sim-auth-'));
  await withClient(client, async () => {
    const qrs: string[] = [];
    client.on('qr', (qr: string) => qrs.push(qr));
    const authenticated = next(client, 'authenticated');
    const ready = next(client, 'ready');
    await client.initialize();

    const shown = await phone.currentQr();
    expect(shown.split(',')).toHaveLength(5);
    const rotated = await phone.rotateQr();
    expect(rotated).not.toBe(shown);
    await expect(phone.scanQr(shown)).rejects.toThrow(/expired/);
    await phone.scanQr();
    await authenticated;
    await ready;

    expect(qrs).toContain(shown);
    expect(qrs).toContain(rotated);
    expect(client.info.wid._serialized).toBe(phone.me);
    expect(client.info.pushname).toBe(phone.pushname);
    expect(client.info.platform).toBe('android');
    expect(await client.getState()).toBe('CONNECTED');
    expect(await phone.linkedDevices()).toBe(1);
  });
});

test('session is restored from the same LocalAuth dir without a QR', async () => {
  const authDir = await tempDir('sim-auth-');
  await withClient(await linkedClient(authDir), async () => {});

  const second = newClient(authDir);
  await withClient(second, async () => {
    let sawQr = false;
    second.on('qr', () => (sawQr = true));
    const authenticated = next(second, 'authenticated');
    const ready = next(second, 'ready');
    await second.initialize();
    await authenticated;
    await ready;
    expect(sawQr).toBe(false);
    expect(second.info.wid._serialized).toBe(phone.me);
  });
});

test('pairing code: wrong code refused, right code links', async () => {
  const client = newClient(await tempDir('sim-auth-'));
  await withClient(client, async () => {
    const qr = next(client, 'qr');
    const ready = next(client, 'ready');
    await client.initialize();
    await qr;
    const code = await client.requestPairingCode('15550000000', true, 180000);
    expect(code).toMatch(/^[A-Z0-9]{8}$/);
    expect(await phone.pairingCode()).toBe(code);
    const wrong = code.startsWith('A') ? 'BBBBBBBB' : 'AAAAAAAA';
    await expect(phone.enterPairingCode(wrong)).rejects.toThrow(/refused/);
    await phone.enterPairingCode(code);
    await ready;
    expect(client.info.wid._serialized).toBe(phone.me);
  });
});

test('pairWithPhoneNumber option: code event, right code links', async () => {
  const client = newClient(await tempDir('sim-auth-'), {
    pairWithPhoneNumber: { phoneNumber: '15550000000', showNotification: true, intervalMs: 180000 },
  });
  await withClient(client, async () => {
    const code = next<string>(client, 'code');
    const ready = next(client, 'ready');
    await client.initialize();
    await phone.enterPairingCode(await code);
    await ready;
    expect(client.info.wid._serialized).toBe(phone.me);
  });
});

describe('linked client', () => {
  let client: WAClient;
  let started: WAClient | undefined; // only what this test's beforeEach started

  beforeEach(async () => {
    started = undefined;
    client = started = await linkedClient(await tempDir('sim-auth-'));
  });
  afterEach(async () => {
    await started?.destroy();
  });

  test('getNumberId: registered and unregistered numbers', async () => {
    await phone.unregistered(['15559999999']);
    const id = await client.getNumberId('15551234567');
    expect(id?._serialized).toBe('15551234567@c.us');
    expect(await client.getNumberId('15559999999')).toBeNull();
    expect(await client.isRegisteredUser('15559999999@c.us')).toBe(false);
  });

  test('sendMessage -> the phone network received it', async () => {
    const msg = await client.sendMessage('15551234567@c.us', 'hello from the server');
    expect(msg.id._serialized).toMatch(/^true_15551234567@c\.us_/);
    expect(msg.fromMe).toBe(true);
    expect(typeof msg.timestamp).toBe('number');
    expect(await phone.sent()).toEqual([
      { id: msg.id._serialized, to: '15551234567@c.us', body: 'hello from the server', type: 'chat', timestamp: msg.timestamp },
    ]);
    const chat = await client.getChatById('15551234567@c.us');
    expect(chat.lastMessage?.body).toBe('hello from the server');
  });

  test('getChats after seeding: order, group flag, last message', async () => {
    const seeded = await phone.seed({ chats: 4, messagesPerChat: 30, groups: 1 });
    const chats = await client.getChats();
    expect(chats.map((c) => c.id._serialized)).toEqual(seeded.map((c) => c.id));
    expect(chats.map((c) => c.isGroup)).toEqual([true, false, false, false]);
    for (const [i, chat] of chats.entries()) {
      const last = seeded[i].messages.at(-1)!;
      expect(chat.name).toBe(seeded[i].name);
      expect(chat.lastMessage?.id._serialized).toBe(last.key);
      expect(chat.lastMessage?.body).toBe(last.body);
      expect(chat.timestamp).toBe(last.t);
    }
  });

  test('getChatById + fetchMessages({limit}) pages through history, oldest first', async () => {
    const seeded = await phone.seed({ chats: 2, messagesPerChat: 45, groups: 1 });
    for (const s of seeded) {
      const chat = await client.getChatById(s.id);
      expect(chat.isGroup).toBe(s.isGroup);
      const ten = await chat.fetchMessages({ limit: 10 });
      expect(ten.map((m) => m.body)).toEqual(s.messages.slice(-10).map((m) => m.body));
      const all = await chat.fetchMessages({ limit: 100 });
      expect(all.map((m) => m.id._serialized)).toEqual(s.messages.map((m) => m.key));
      const ts = all.map((m) => m.timestamp);
      expect([...ts].sort((a, b) => a - b)).toEqual(ts);
      if (s.isGroup) {
        const incoming = all.find((m) => !m.fromMe)!;
        expect(incoming.author).toMatch(/@c\.us$/);
      }
    }
  });

  test('incoming message event', async () => {
    const received = next<Message>(client, 'message');
    const { id } = await phone.deliverIncoming({ from: '15557654321@c.us', body: 'ping' });
    const msg = await received;
    expect(msg.id._serialized).toBe(id);
    expect(msg.body).toBe('ping');
    expect(msg.from).toBe('15557654321@c.us');
    expect(msg.to).toBe(phone.me);
    expect(msg.fromMe).toBe(false);
    const chats = await client.getChats();
    expect(chats[0].id._serialized).toBe('15557654321@c.us');
    expect(chats[0].unreadCount).toBe(1);
    expect(chats[0].lastMessage?.body).toBe('ping');
  });

  test('incoming group message event has author', async () => {
    const [group] = await phone.seed({ chats: 1, messagesPerChat: 2, groups: 1 });
    const received = next<Message>(client, 'message');
    await phone.deliverIncoming({ from: group.id, author: group.participants[1], body: 'hi all' });
    const msg = await received;
    expect(msg.from).toBe(group.id);
    expect(msg.author).toBe(group.participants[1]);
    const chat = await msg.getChat();
    expect(chat.isGroup).toBe(true);
  });

  test('phone-side unlink -> disconnected LOGOUT', async () => {
    const disconnected = next(client, 'disconnected');
    await phone.unlink();
    expect(await disconnected).toBe('LOGOUT');
    expect(await phone.linkedDevices()).toBe(0);
    // the page is back to QR (the library re-injects after post_logout) and can be linked again
    const qr = await next<string>(client, 'qr');
    const ready = next(client, 'ready');
    await phone.scanQr(qr);
    await ready;
    expect(await phone.linkedDevices()).toBe(1);
  });

  test.each(['CONFLICT', 'UNPAIRED'] as const)('%s state -> change_state + disconnected', async (state) => {
    const changed = next(client, 'change_state');
    const disconnected = next(client, 'disconnected');
    await phone.setState(state);
    expect(await changed).toBe(state);
    expect(await disconnected).toBe(state);
  });

  test('dropConnection -> TIMEOUT then CONNECTED (session kept)', async () => {
    const dropped = next(client, 'change_state');
    await phone.dropConnection();
    expect(await dropped).toBe('TIMEOUT');
    const restored = next(client, 'change_state');
    await phone.restoreConnection();
    expect(await restored).toBe('CONNECTED');
    expect(await client.getState()).toBe('CONNECTED');
  });
});

test('logout() from the client side unlinks the device', async () => {
  const authDir = await tempDir('sim-auth-');
  const client = await linkedClient(authDir);
  try {
    await client.logout();
    expect(await phone.linkedDevices()).toBe(0);
  } finally {
    await client.destroy();
  }
  // the next start needs a new QR
  const again = newClient(authDir);
  await withClient(again, async () => {
    const qr = next(again, 'qr');
    await again.initialize();
    await qr;
  });
});
