import { existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import wwebjs from 'whatsapp-web.js';
import { standDownAfterUnlink } from '../../src/whatsapp/wwebjs.auth.js';
import {
  ackName,
  chatModelSummary as mapChatModel,
  type ChatModel,
  type LibClient,
  type LibMessage,
  toAck,
  downloadMessageMedia,
  toChatMessage,
  toEdit,
  toReaction,
  toRevoke,
} from '../../src/whatsapp/wwebjs.mapping.js';
import { tempDir } from '../temp-dirs.js';

const pending = Symbol('pending');
const settledWithin = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise.then(() => 'settled'), new Promise((resolve) => setTimeout(() => resolve(pending), ms))]);

describe('LocalAuth after a phone-side unlink (standDownAfterUnlink)', () => {
  let dataPath: string;
  let sessionDir: string;
  let unlinked: boolean;
  let auth: InstanceType<typeof wwebjs.LocalAuth>;

  beforeEach(async () => {
    dataPath = tempDir('wa-auth-');
    sessionDir = join(dataPath, 'session-default');
    unlinked = false;
    auth = new wwebjs.LocalAuth({ clientId: 'default', dataPath });
    standDownAfterUnlink(auth, () => unlinked);
    // What Client's constructor does: the strategy reads the client's puppeteer options.
    auth.setup({ options: { puppeteer: {} } } as never);
    await auth.beforeBrowserInitialized();
  });

  afterEach(() => rmSync(dataPath, { recursive: true, force: true }));

  it('behaves as LocalAuth while linked: prepares the profile, and logout() deletes it', async () => {
    expect(existsSync(sessionDir)).toBe(true);
    await auth.logout();
    expect(existsSync(sessionDir)).toBe(false);
  });

  it('once unlinked, leaves the profile to the session and never re-creates it', async () => {
    unlinked = true;
    // The library's LOGOUT handler: wipe, then re-arm the profile, then inject again.
    await expect(auth.logout()).resolves.toBeUndefined();
    expect(existsSync(sessionDir)).toBe(true);
    rmSync(sessionDir, { recursive: true });
    // The re-arm never settles, which ends the handler before it re-creates the folder or injects.
    await expect(settledWithin(auth.beforeBrowserInitialized(), 50)).resolves.toBe(pending);
    expect(existsSync(sessionDir)).toBe(false);
  });
});

const chatModelSummary = (model: ChatModel, client: LibClient) => mapChatModel(model, client, wwebjs);

describe('chatModelSummary: a serialized chat, mapped as the library maps getChats()', () => {
  const client = {} as never;

  it('maps a group with its last message', () => {
    const model = {
      id: { _serialized: '120363000000100000@g.us' },
      formattedTitle: 'Team',
      isGroup: true,
      isReadOnly: true,
      unreadCount: 3,
      t: 1_700_000_100,
      archive: true,
      pin: 1_700_000_000,
      isMuted: true,
      groupMetadata: { participants: [] },
      lastMessage: {
        id: { _serialized: 'false_120363000000100000@g.us_ABC_15551230000@c.us', fromMe: false },
        from: { _serialized: '120363000000100000@g.us' },
        to: '15550000000@c.us',
        author: '15551230000@c.us',
        type: 'chat',
        body: 'hello team',
        t: 1_700_000_100,
      },
    };
    expect(chatModelSummary(model, client)).toEqual({
      id: '120363000000100000@g.us',
      name: 'Team',
      is_group: true,
      is_read_only: true,
      unread_count: 3,
      timestamp: 1_700_000_100,
      archived: true,
      pinned: true,
      muted: true,
      last_message: {
        id: 'false_120363000000100000@g.us_ABC_15551230000@c.us',
        from: '120363000000100000@g.us',
        to: '15550000000@c.us',
        author: '15551230000@c.us',
        from_me: false,
        type: 'chat',
        body: 'hello team',
        timestamp: 1_700_000_100,
        has_media: false,
      },
    });
  });

  it('maps a one-to-one chat without messages, and media by its direct path', () => {
    const empty = { id: { _serialized: '15551234567@c.us' }, formattedTitle: '+1 555 123 4567', isGroup: false, t: 0, lastMessage: null };
    expect(chatModelSummary(empty, client)).toEqual({
      id: '15551234567@c.us',
      name: '+1 555 123 4567',
      is_group: false,
      is_read_only: false,
      unread_count: 0,
      timestamp: 0,
      archived: false,
      pinned: false,
      muted: false,
      last_message: null,
    });
    const photo = {
      ...empty,
      t: 5,
      lastMessage: {
        id: { _serialized: 'true_15551234567@c.us_X', fromMe: true },
        from: '15550000000@c.us',
        to: '15551234567@c.us',
        type: 'image',
        caption: 'look',
        directPath: '/v/t62',
        t: 5,
      },
    };
    expect(chatModelSummary(photo, client).last_message).toEqual({
      id: 'true_15551234567@c.us_X',
      from: '15550000000@c.us',
      to: '15551234567@c.us',
      author: null,
      from_me: true,
      type: 'image',
      body: 'look',
      timestamp: 5,
      has_media: true,
    });
  });
});

describe('message events mapped to our types', () => {
  const ME = '15550000000@c.us';
  const PEER = '15551234567@c.us';
  const GROUP = '120363000000100000@g.us';
  /** A library Message built from a serialized one, as the library builds the events' messages. */
  const libMessage = (data: Record<string, unknown>): LibMessage =>
    new (wwebjs as unknown as { Message: new (client: unknown, data: unknown) => LibMessage }).Message({}, data);
  const incoming = libMessage({
    id: { _serialized: `false_${PEER}_A`, fromMe: false },
    from: PEER,
    to: ME,
    type: 'chat',
    body: 'hi',
    t: 10,
  });
  const ours = libMessage({ id: { _serialized: `true_${PEER}_B`, fromMe: true }, from: ME, to: PEER, type: 'chat', body: 'yo', t: 11 });
  const inGroup = libMessage({
    id: { _serialized: `false_${GROUP}_C_${PEER}`, fromMe: false },
    from: GROUP,
    to: ME,
    author: PEER,
    type: 'chat',
    body: 'all',
    t: 12,
  });
  const oursInGroup = libMessage({
    id: { _serialized: `true_${GROUP}_D`, fromMe: true },
    from: ME,
    to: GROUP,
    type: 'chat',
    body: 'me',
    t: 13,
  });

  it('a message belongs to the chat it came from, ours to the chat it went to, in groups too', () => {
    expect(toChatMessage(incoming)).toEqual({
      id: `false_${PEER}_A`,
      from: PEER,
      to: ME,
      author: null,
      from_me: false,
      type: 'chat',
      body: 'hi',
      timestamp: 10,
      has_media: false,
      chat_id: PEER,
    });
    expect(toChatMessage(ours)).toMatchObject({ from_me: true, chat_id: PEER });
    expect(toChatMessage(inGroup)).toMatchObject({ author: PEER, chat_id: GROUP });
    expect(toChatMessage(oursInGroup)).toMatchObject({ from_me: true, chat_id: GROUP });
  });

  it.each([
    [-1, 'error'],
    [0, 'pending'],
    [1, 'server'],
    [2, 'device'],
    [3, 'read'],
    [4, 'played'],
    [7, 'pending'],
  ] as const)('ack %d is %s', (ack, name) => {
    expect(ackName(ack)).toBe(name);
    expect(toAck(ours, ack)).toEqual({ id: `true_${PEER}_B`, chat_id: PEER, ack: name });
  });

  it('revokes and edits name the message and its chat', () => {
    expect(toRevoke(inGroup)).toEqual({ id: `false_${GROUP}_C_${PEER}`, chat_id: GROUP });
    expect(toEdit(ours, 'yo!')).toEqual({ id: `true_${PEER}_B`, chat_id: PEER, body: 'yo!' });
  });

  it('a reaction names the message reacted to, its chat (the group in a group), who reacted and the emoji', () => {
    // Not exported by the package: the structure the library builds message_reaction's argument with.
    const Reaction = createRequire(import.meta.url)('whatsapp-web.js/src/structures/Reaction.js');
    const reaction = new Reaction(
      {},
      {
        msgKey: { _serialized: `true_${GROUP}_R` },
        parentMsgKey: { _serialized: `true_${GROUP}_D`, remote: { _serialized: GROUP }, fromMe: true },
        senderUserJid: PEER,
        reactionText: '👍',
        timestamp: 14,
      },
    );
    expect(toReaction(reaction as never)).toEqual({ id: `true_${GROUP}_D`, chat_id: GROUP, from: PEER, reaction: '👍' });
    const removed = { msgId: { _serialized: `true_${PEER}_B`, remote: PEER }, senderId: PEER, reaction: '' };
    expect(toReaction(removed)).toEqual({ id: `true_${PEER}_B`, chat_id: PEER, from: PEER, reaction: '' });
  });

  it('a media message carries what WhatsApp announces of its file; a text message has no media field', () => {
    const photo = libMessage({
      id: { _serialized: `false_${PEER}_P`, fromMe: false },
      from: PEER,
      to: ME,
      type: 'document',
      caption: 'the invoice',
      directPath: '/v/t62.7119-24/1',
      mimetype: 'application/pdf',
      filename: 'invoice.pdf',
      size: 48213,
      t: 15,
    });
    expect(toChatMessage(photo)).toEqual({
      id: `false_${PEER}_P`,
      chat_id: PEER,
      from: PEER,
      to: ME,
      author: null,
      from_me: false,
      type: 'document',
      body: 'the invoice',
      timestamp: 15,
      has_media: true,
      media: { mimetype: 'application/pdf', filename: 'invoice.pdf', size: 48213 },
    });
    const voice = libMessage({
      id: { _serialized: `false_${PEER}_V`, fromMe: false },
      from: PEER,
      to: ME,
      type: 'ptt',
      directPath: '/v/2',
      mimetype: 'audio/ogg; codecs=opus',
      t: 16,
    });
    expect(toChatMessage(voice).media).toEqual({ mimetype: 'audio/ogg; codecs=opus', filename: null, size: null });
    expect(Object.keys(toChatMessage(incoming))).not.toContain('media');
  });

  it('a download of an id the library cannot parse finds no message, without asking the page', async () => {
    const lib = { getMessageById: () => Promise.reject(new Error('Invalid serialized message id specified')) } as unknown as LibClient;
    await expect(downloadMessageMedia(lib, 'not-a-message-id')).resolves.toBeNull();
    await expect(downloadMessageMedia(lib, `false_${PEER}_A`)).rejects.toThrow('Invalid serialized message id specified');
  });
});
