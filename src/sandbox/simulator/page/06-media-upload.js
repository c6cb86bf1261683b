/*
 * Part 6: sending media (client.sendMessage with a MessageMedia). The library's
 * WWebJS.processMediaData turns the file into an OpaqueData, prepares it
 * (WAWebPrepRawMedia), uploads it (WAWebMediaMmsV4Upload) and spreads the
 * prepared media's fields into the message; addAndSendMsgToChat (part 5) then
 * hands the message, with mediaFields() below, to the network. The upload
 * carries the file's bytes to the phone, which keys them by their hash.
 */

// The library builds a Message from these: hasMedia = !!directPath, body = caption.
MSG_FIELDS.push('caption', 'mimetype', 'filename', 'size', 'filehash', 'directPath', 'mediaKey', 'mediaKeyTimestamp', 'isViewOnce');

/** Prepared files by their hash (base64 SHA-256, as WhatsApp names them), until uploaded. */
const preparedFiles = new Map();

class OpaqueData {
  constructor(blob) {
    this.blob = blob;
  }
  static async createFromData(blob, mimetype) {
    return new OpaqueData(blob instanceof Blob ? blob : new Blob([blob], { type: mimetype }));
  }
  url() {
    return URL.createObjectURL(this.blob);
  }
  autorelease() {}
  formData() {
    return this.blob;
  }
}

/** image, video, audio, voice note (ptt) or document, as WhatsApp Web decides from the type and the options. */
function mediaTypeOf(mimetype, { isPtt, asDocument }) {
  if (asDocument) return 'document';
  const family = mimetype.split('/')[0];
  if (family === 'audio') return isPtt ? 'ptt' : 'audio';
  return family === 'image' || family === 'video' ? family : 'document';
}

class MediaData extends Model {
  toJSON() {
    const { mediaBlob, ...fields } = this;
    return fields;
  }
}

async function base64Of(blob) {
  const url = await new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
  return String(url).slice(String(url).indexOf(',') + 1);
}

/** What part 5's addAndSendMsgToChat adds to a media message it hands to the network. */
function mediaFields(message) {
  if (!message.filehash) return {};
  return {
    body: message.caption || '',
    media: { filehash: message.filehash, mimetype: message.mimetype, filename: message.filename, size: message.size },
  };
}

Object.assign(modules, {
  WAWebMediaOpaqueData: OpaqueData,
  WAWebPrepRawMedia: {
    prepRawMedia: (opaque, { isPtt, asDocument }) => ({
      waitForPrep: async () => {
        const bytes = await opaque.blob.arrayBuffer();
        const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
        const filehash = btoa(String.fromCharCode(...digest));
        preparedFiles.set(filehash, opaque.blob);
        const mimetype = opaque.blob.type;
        return new MediaData({
          type: mediaTypeOf(mimetype, { isPtt, asDocument }),
          mimetype,
          filename: opaque.blob.name,
          size: bytes.byteLength,
          filehash,
          isGif: false,
          mediaBlob: opaque,
        });
      },
    }),
  },
  // A waveform is there already, so the library does not decode the audio (the sandbox has no codecs to rely on).
  WAWebMediaStorage: {
    getOrCreateMediaObject: (filehash) => ({
      filehash,
      contentInfo: { waveform: new Uint8Array(64) },
      consolidate(fields) {
        Object.assign(this, fields);
      },
    }),
  },
  WAWebMmsMediaTypes: { msgToMediaType: ({ type }) => type, castToV4: (type) => type },
  WAWebMediaDataUtils: { shouldUseMediaCache: () => false },
  WAWebMediaMmsV4Upload: {
    uploadMedia: async ({ mimetype, mediaObject }) => {
      const blob = preparedFiles.get(mediaObject.filehash);
      if (!blob) throw new Error('[sim] upload of a file that was not prepared');
      preparedFiles.delete(mediaObject.filehash);
      const { directPath } = await rpc('upload', { filehash: mediaObject.filehash, mimetype, data: await base64Of(blob) });
      return {
        mediaEntry: {
          mmsUrl: 'https://mmg.whatsapp.net' + directPath,
          deprecatedMms3Url: 'https://mmg.whatsapp.net' + directPath,
          directPath,
          mediaKey: btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32)))),
          mediaKeyTimestamp: Math.floor(Date.now() / 1000),
          encFilehash: mediaObject.filehash,
          uploadHash: mediaObject.filehash,
        },
      };
    },
  },
});
