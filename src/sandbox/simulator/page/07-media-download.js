/*
 * Part 7: received media. A network message with `media` becomes a media message as WhatsApp Web
 * holds it, and WAWebDownloadManager hands the library its bytes, so the library's own
 * Message.downloadMedia() runs: Msg.get -> mediaData.mediaStage (RESOLVED: nothing to fetch first)
 * -> downloadManager.downloadAndMaybeDecrypt({ directPath, ... }) -> WWebJS.arrayBufferToBase64Async.
 */

/** A media message's fields (msgFromNet): `directPath` makes `hasMedia`, the caption is the library's body. */
function mediaAttrs(m) {
  if (!m.media) return {};
  return {
    body: undefined,
    caption: m.body || undefined,
    directPath: m.media.directPath,
    mimetype: m.media.mimetype,
    filename: m.media.filename,
    size: m.media.size,
    mediaData: { mediaStage: 'RESOLVED' },
  };
}

function base64ToArrayBuffer(data) {
  const text = atob(data);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes.buffer;
}

// The network keeps the bytes (the phone driver's MediaVault); "decrypting" is handing them over.
modules.WAWebDownloadManager = {
  downloadManager: {
    downloadAndMaybeDecrypt: async ({ directPath }) => base64ToArrayBuffer((await rpc('media', { directPath })).data),
  },
};
