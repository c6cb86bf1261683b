/* Part 4: commands pushed by the phone driver over EventSource, each acked back; boot. */

const commands = {
  async link({ deviceRecord }) {
    await unpairing;
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
    await reactionTableMode.bulkUpsert([
      {
        id: new MsgKey({
          fromMe: !!me && sender.equals(me.pn),
          remote: parent.id.remote,
          id: reactionId,
          participant: inGroup ? sender : undefined,
        }),
        reactionParentKey: parent.id,
        reactionText: reaction,
        reactionTimestamp: reactedAtMs,
        from: inGroup ? parent.id.remote : sender,
        author: inGroup ? sender : undefined,
        orphan: 0,
        orphanReason: null,
        read: false,
      },
    ]);
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
