/* Part 2: messages, chats, groups and their collections, built from the network's copies; the rpc channel to the phone. */

// ---------------------------------------------------------------- models
const MSG_FIELDS = [
  'id',
  'body',
  'type',
  't',
  'from',
  'to',
  'author',
  'ack',
  'isNewMsg',
  'local',
  'self',
  'star',
  'isForwarded',
  'forwardingScore',
  'broadcast',
  'hasReaction',
  'mentionedJidList',
  'groupMentions',
  'notifyName',
  'isNotification',
  'subtype',
  'latestEditMsgKey',
  'latestEditSenderTimestampMs',
  // media (07-media-download.js): directPath is what the library reads as "has media"
  'caption',
  'directPath',
  'mimetype',
  'filename',
  'size',
];
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
      id: this.id,
      subject: this.subject,
      owner: this.owner,
      creation: this.creation,
      desc: this.desc,
      announce: this.announce,
      restrict: false,
      participants: this.participants.map((p) => ({ ...p })),
    };
  }
}

class Chat extends Model {
  // getChatModel(): chat.serialize(); `msgs` must have a length for lastMessage to be looked up.
  serialize() {
    return {
      id: this.id,
      name: this.name,
      t: this.t,
      unreadCount: this.unreadCount,
      archive: false,
      pin: 0,
      isLocked: false,
      muteExpiration: 0,
      isReadOnly: false,
      msgs: this.msgs.getModelsArray().map((m) => m.id._serialized),
    };
  }
  get formattedTitle() {
    return this.name;
  }
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
    body: m.body,
    type: m.type || 'chat',
    t: m.t,
    from: createWid(m.from),
    to: createWid(m.to),
    author: m.author ? createWid(m.author) : undefined,
    ack: m.ack !== undefined ? m.ack : m.fromMe ? 2 : 0,
    isNewMsg,
    local: false,
    self: m.fromMe ? 'out' : 'in',
    star: false,
    isForwarded: false,
    forwardingScore: 0,
    broadcast: false,
    hasReaction: false,
    mentionedJidList: [],
    groupMentions: [],
    notifyName: m.notifyName,
    ...mediaAttrs(m),
  });
}

function chatFromNet(c) {
  let chat = ChatCollection.get(c.id);
  if (!chat) {
    const id = createWid(c.id);
    chat = new Chat({ id, name: c.name, t: c.t || 0, unreadCount: 0, mute: { expiration: 0 }, msgs: new Collection(byTimeAsc) });
    if (c.isGroup) {
      chat.groupMetadata = new GroupMetadata({
        id,
        subject: c.name,
        owner: createWid(c.participants[0]),
        creation: c.creation || c.t || 0,
        desc: '',
        announce: false,
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
  get bulkUpsert() {
    return storeReactions;
  },
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
