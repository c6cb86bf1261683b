/* Part 3: the socket and connection models, QR codes, the linked-device record and the initial sync. */

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

// The phone hears of a QR before the page flips to UNPAIRED, so a scan that quick (the sandbox's
// automatic link) waits for the flip; otherwise the late flip would undo the link.
let unpairing = Promise.resolve();
function goUnpaired() {
  unpairing = (async () => {
    // The ref must exist before the state flips: inject() reads Conn.ref right after UNPAIRED.
    await rotateQr({ force: true });
    Socket.set('state', 'UNPAIRED');
    if (SIM.qrRotateMs > 0) qrTimer = setInterval(rotateQr, SIM.qrRotateMs);
  })();
  return unpairing;
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
