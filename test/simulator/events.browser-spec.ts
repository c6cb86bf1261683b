/**
 * Message events of the REAL whatsapp-web.js 1.34.7 in a REAL Chromium, produced by the phone
 * driver: acks, revokes, edits, reactions, messages sent from the phone and group messages.
 * Every sequence is recorded in full so a missing, duplicated or extra event fails the test.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Client as WAClient, Message, Reaction } from 'whatsapp-web.js';
import { jest } from '@jest/globals';
import { Phone } from '../../src/sandbox/simulator/phone.js';
import { OPTIONAL_MODULES, VERSION, linkedClient, record } from './harness.js';

jest.setTimeout(120_000);

const CONTACT = '15557654321@c.us';

let phone: Phone;
let client: WAClient | undefined;
const tempDirs: string[] = [];

async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** The linked client of this test (started in beforeEach). */
function wa(): WAClient {
  if (!client) throw new Error('no linked client');
  return client;
}

beforeEach(async () => {
  client = undefined;
  phone = await Phone.start();
  const cacheDir = await tempDir('sim-cache-');
  await phone.prepare(cacheDir, VERSION);
  client = await linkedClient(phone, cacheDir, await tempDir('sim-auth-'));
});

afterEach(async () => {
  await client?.destroy();
  const missing = phone.missingModules();
  await phone.close();
  expect(missing.filter((m) => !OPTIONAL_MODULES.includes(m))).toEqual([]);
});

afterAll(async () => {
  await Promise.all(tempDirs.map((d) => rm(d, { recursive: true, force: true })));
});

test('ack: device, read, played reach message_ack once each; a lower ack is ignored', async () => {
  const acks = record<[Message, number]>(wa(), 'message_ack');
  const first = await wa().sendMessage(CONTACT, 'first');
  const second = await wa().sendMessage(CONTACT, 'second');
  // sending gives the server ack 1 to each, before any device ack
  await acks.until(2);

  await phone.ack(first.id._serialized, 'device');
  await phone.ack(first.id._serialized, 'read');
  await phone.ack(first.id._serialized, 'played');
  await phone.ack(first.id._serialized, 'device');
  await phone.ack(second.id._serialized, 'device');

  const seen = await acks.until(6);
  expect(seen.map(([m, ack]) => [m.id._serialized, ack, m.ack])).toEqual([
    [first.id._serialized, 1, 1],
    [second.id._serialized, 1, 1],
    [first.id._serialized, 2, 2],
    [first.id._serialized, 3, 3],
    [first.id._serialized, 4, 4],
    [second.id._serialized, 2, 2],
  ]);
  expect(seen[4][0].body).toBe('first');
  expect(seen[4][0].fromMe).toBe(true);
});

test('ack of a message the page has not loaded, and refusal for incoming messages', async () => {
  const [chat] = await phone.seed({ chats: 1, messagesPerChat: 30 });
  // the sync loads the last 5 messages; this one is older (and ours: odd indexes are outgoing)
  const old = chat.messages[1];
  expect(old.fromMe).toBe(true);
  const acks = record<[Message, number]>(wa(), 'message_ack');
  await phone.ack(old.key, 'read');
  const [[msg, ack]] = await acks.until(1);
  expect([msg.id._serialized, msg.body, ack]).toEqual([old.key, old.body, 3]);

  await expect(phone.ack(chat.messages[0].key, 'read')).rejects.toThrow(/only messages the account sent are acked/);
  await expect(phone.ack('false_1@c.us_NOPE', 'read')).rejects.toThrow(/unknown message/);
  expect(acks.seen).toHaveLength(1);
});

test("revoke: a contact's message and our own -> message_revoke_everyone(after, before), no edit", async () => {
  const revokes = record<[Message, Message | undefined]>(wa(), 'message_revoke_everyone');
  const edits = record<[Message, string, string]>(wa(), 'message_edit');
  const received = record<[Message]>(wa(), 'message');
  const { id: theirs } = await phone.deliverIncoming({ from: CONTACT, body: 'oops' });
  await received.until(1);
  const ours = await wa().sendMessage(CONTACT, 'mine');

  await phone.revoke(theirs);
  await phone.revoke(ours.id._serialized);

  const seen = await revokes.until(2);
  expect(
    seen.map(([after, before]) => [
      after.id._serialized,
      after.type,
      after.body,
      after.fromMe,
      before?.id._serialized,
      before?.type,
      before?.body,
    ]),
  ).toEqual([
    [theirs, 'revoked', '', false, theirs, 'chat', 'oops'],
    [ours.id._serialized, 'revoked', '', true, ours.id._serialized, 'chat', 'mine'],
  ]);
  // a later edit is the only edit event: the revokes' body changes did not count as edits
  const { id: later } = await phone.deliverIncoming({ from: CONTACT, body: 'typo' });
  await received.until(2);
  await phone.edit(later, 'fixed');
  expect((await edits.until(1)).map(([m, now, prev]) => [m.id._serialized, now, prev])).toEqual([[later, 'fixed', 'typo']]);
  await expect(phone.edit(theirs, 'again')).rejects.toThrow(/revoked and cannot be edited/);
  expect(revokes.seen).toHaveLength(2);
});

test('edit: message_edit(msg, newBody, prevBody) with the edit time; history shows the new text', async () => {
  const received = record<[Message]>(wa(), 'message');
  const edits = record<[Message, string, string]>(wa(), 'message_edit');
  const { id } = await phone.deliverIncoming({ from: CONTACT, body: 'see you at 5' });
  await received.until(1);
  const before = Date.now();

  await phone.edit(id, 'see you at 6');
  await phone.edit(id, 'see you at 7');

  const seen = await edits.until(2);
  expect(seen.map(([m, now, prev]) => [m.id._serialized, m.body, now, prev])).toEqual([
    [id, 'see you at 6', 'see you at 6', 'see you at 5'],
    [id, 'see you at 7', 'see you at 7', 'see you at 6'],
  ]);
  expect(seen[1][0].latestEditSenderTimestampMs).toBeGreaterThanOrEqual(before);
  const [last] = await (await wa().getChatById(CONTACT)).fetchMessages({ limit: 1 });
  expect([last.id._serialized, last.body]).toEqual([id, 'see you at 7']);
});

test('react: message_reaction with msgId, senderId, reaction; empty text removes it; groups too', async () => {
  // seed first: it replaces the phone's chats
  const [group] = await phone.seed({ chats: 1, messagesPerChat: 2, groups: 1 });
  const reactions = record<[Reaction]>(wa(), 'message_reaction');
  const received = record<[Message]>(wa(), 'message');
  const { id } = await phone.deliverIncoming({ from: CONTACT, body: 'lunch?' });
  await received.until(1);
  const ours = await wa().sendMessage(CONTACT, 'sure');
  const member = group.participants[2];
  const inGroup = group.messages[1];
  const before = Math.floor(Date.now() / 1000);

  const added = await phone.react(id, CONTACT, '👍');
  const removed = await phone.react(id, CONTACT, '');
  const onOurs = await phone.react(ours.id._serialized, CONTACT, '❤️');
  const fromMe = await phone.react(id, phone.me, '😂');
  const groupReaction = await phone.react(inGroup.key, member, '🎉');

  const seen = await reactions.until(5);
  expect(seen.map(([r]) => [r.id._serialized, r.msgId._serialized, r.senderId, r.reaction])).toEqual([
    [added.id, id, CONTACT, '👍'],
    [removed.id, id, CONTACT, ''],
    [onOurs.id, ours.id._serialized, CONTACT, '❤️'],
    [fromMe.id, id, phone.me, '😂'],
    [groupReaction.id, inGroup.key, member, '🎉'],
  ]);
  expect(seen.map(([r]) => r.id.fromMe)).toEqual([false, false, false, true, false]);
  expect(seen[0][0].timestamp).toBeGreaterThanOrEqual(before);
});

test("sendFromPhone: message_create from the phone (deviceType android), never 'message'", async () => {
  const created = record<[Message]>(wa(), 'message_create');
  const received = record<[Message]>(wa(), 'message');
  const viaApi = await wa().sendMessage(CONTACT, 'from the api');
  const { id } = await phone.sendFromPhone({ to: '15557654321', body: 'from the phone' });
  // an incoming message after it: the only 'message' event, so none came for the phone's own
  const { id: reply } = await phone.deliverIncoming({ from: CONTACT, body: 'got both' });

  const seen = await created.until(3);
  expect(seen.map(([m]) => [m.id._serialized, m.body, m.fromMe, m.from, m.to, m.deviceType])).toEqual([
    [viaApi.id._serialized, 'from the api', true, phone.me, CONTACT, 'web'],
    [id, 'from the phone', true, phone.me, CONTACT, 'android'],
    [reply, 'got both', false, CONTACT, phone.me, 'android'],
  ]);
  // the raw model's `local` flag tells the client's own sends too (not in the typings)
  expect(seen.map(([m]) => (m as unknown as { _data: { local: boolean } })._data.local)).toEqual([true, false, false]);
  expect((await received.until(1)).map(([m]) => m.id._serialized)).toEqual([reply]);
  expect(await phone.sent()).toEqual([expect.objectContaining({ id: viaApi.id._serialized, body: 'from the api' })]);
  const [last] = await (await wa().getChatById(CONTACT)).fetchMessages({ limit: 2 });
  expect([last.id._serialized, last.fromMe]).toEqual([id, true]);
});

test('group messages: deliverIncoming({ group, from }) by name or id, with the author set', async () => {
  const [seeded] = await phone.seed({ chats: 1, messagesPerChat: 2, groups: 1 });
  const received = record<[Message]>(wa(), 'message');

  const byName = await phone.deliverIncoming({ group: seeded.name, from: seeded.participants[1], body: 'by name' });
  const byId = await phone.deliverIncoming({ group: seeded.id, from: '15559990000', body: 'by id, new member' });
  const created = await phone.deliverIncoming({ group: 'Book club', from: '15558887777@c.us', body: 'new group' });

  const seen = await received.until(3);
  expect(seen.map(([m]) => [m.id._serialized, m.from, m.author, m.body, m.fromMe])).toEqual([
    [byName.id, seeded.id, seeded.participants[1], 'by name', false],
    [byId.id, seeded.id, '15559990000@c.us', 'by id, new member', false],
    [created.id, expect.stringMatching(/^120363\d{12}@g\.us$/), '15558887777@c.us', 'new group', false],
  ]);
  const chat = await seen[2][0].getChat();
  expect([chat.isGroup, chat.name, chat.id._serialized]).toEqual([true, 'Book club', seen[2][0].from]);
  await expect(phone.deliverIncoming({ group: '999@g.us', from: '15558887777', body: 'x' })).rejects.toThrow(/unknown group/);
});
