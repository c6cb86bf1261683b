/* Part 5: the `window.require` modules the library looks up, and the start of the page. */

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
    startAltLinkingFlow: async (phoneNumber, showNotification) => (await rpc('pairing', { phoneNumber, showNotification })).code,
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
          key: msg.id._serialized,
          msgId: msg.id.id,
          chatId: chat.id._serialized,
          from: msg.from._serialized,
          to: msg.to._serialized,
          body: msg.body,
          type: msg.type,
          t: msg.t,
          ...mediaFields(msg),
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
        chatId: chat.id._serialized,
        before: oldest && oldest.id._serialized,
        count: EARLIER_PAGE,
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
