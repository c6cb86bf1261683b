/** The shapes the phone driver speaks in: its options, the network's chats and messages, what was sent. */

export interface PhoneOptions {
  /** The phone's own number (digits). Default 15550000000. */
  me?: string;
  pushname?: string;
  /** client.info.platform. Default 'android'. */
  platform?: string;
  /** QR ref rotation period inside the page; 0 disables. Default 20000. */
  qrRotateMs?: number;
  /** Upper bound for every wait. Default 30000. */
  timeoutMs?: number;
}

export interface IncomingMessage {
  /** Chat id: `<digits>@c.us` or `<id>@g.us` (then `author` is the sender). With `group`: the sender (`<digits>[@c.us]`). */
  from: string;
  /** A group's id or name: the message arrives in that group from `from`. An unknown name creates the group. */
  group?: string;
  /** The text; with `media`, its caption (may be empty). */
  body: string;
  author?: string;
  notifyName?: string;
  media?: IncomingMedia;
}

/** A file a contact sends: its bytes as base64. */
export interface IncomingMedia {
  data: string;
  mimetype: string;
  filename?: string;
}

/** What a media message carries on the network: where its bytes are (see MediaVault) and what they are. */
export interface NetMedia {
  directPath: string;
  mimetype: string;
  filename?: string;
  size: number;
}

/** A message the account sends from the phone itself (not through the client). */
export interface PhoneMessage {
  /** Chat id (`<digits>@c.us`, `<id>@g.us`) or bare digits. */
  to: string;
  body: string;
}

/** What the recipient's device reports: ack 2 (delivered to the device), 3 (read), 4 (played). */
export type AckLevel = 'device' | 'read' | 'played';

export const ACKS: Record<AckLevel, number> = { device: 2, read: 3, played: 4 };

/** A file that reached the network: its bytes' SHA-256 (hex) proves they arrived unchanged. */
export interface SentMedia {
  mimetype: string;
  filename: string | null;
  size: number;
  sha256: string;
}

export interface SentMessage {
  /** Serialized message key, equals `message.id._serialized` on the client. */
  id: string;
  to: string;
  body: string;
  type: string;
  timestamp: number;
  /** Media messages only. */
  media?: SentMedia;
}

export interface NetMessage {
  key: string;
  msgId: string;
  chatId: string;
  fromMe: boolean;
  from: string;
  to: string;
  author?: string;
  participant?: string;
  notifyName?: string;
  body: string;
  type: string;
  t: number;
  /** Highest ack the network knows; absent: 2 for the account's messages, 0 for the others. */
  ack?: number;
  media?: NetMedia;
}

export interface NetChat {
  id: string;
  name: string;
  isGroup: boolean;
  participants: string[];
  creation: number;
  messages: NetMessage[];
}

/** Names and texts of seeded chats; the default is `Contact 3` / `Group 1` and `Message 2 in Contact 3`. */
export interface SeedNames {
  chatName(index: number, isGroup: boolean): string;
  messageText(chatIndex: number, messageIndex: number, chatName: string): string;
}

export interface SeedOptions {
  /** Total number of chats. */
  chats: number;
  messagesPerChat: number;
  /** How many of `chats` are groups (the first ones in the returned list). Default 0. */
  groups?: number;
  names?: SeedNames;
}

export type SocketState =
  | 'CONNECTED'
  | 'OPENING'
  | 'PAIRING'
  | 'TIMEOUT'
  | 'CONFLICT'
  | 'UNPAIRED'
  | 'UNLAUNCHED'
  | 'PROXYBLOCK'
  | 'TOS_BLOCK'
  | 'SMB_TOS_BLOCK'
  | 'DEPRECATED_VERSION';

/** What a linked page keeps in IndexedDB and the phone recognises on the next start. */
export interface DeviceRecord {
  deviceId: string;
  me: string;
  lid: string;
  pushname: string;
  platform: string;
}
