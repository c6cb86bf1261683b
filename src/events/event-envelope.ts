/** The contract's event types, in the order of its table. */
export const EVENT_TYPES = [
  'message.received',
  'message.sent',
  'message.ack',
  'message.revoked',
  'message.edited',
  'message.reaction',
  'session.status',
  'webhook.test',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const isEventType = (value: string): value is EventType => (EVENT_TYPES as readonly string[]).includes(value);

/** Where a `message.sent` came from: this server's API, or the phone (or another linked device). */
export type MessageSource = 'api' | 'phone';

/** The contract's envelope: what is stored, listed, streamed and (later) delivered to webhooks. */
export interface EventEnvelope {
  /** `evt_<ULID>`: sorts in the order events were stored, so it is also a cursor. */
  id: string;
  type: EventType;
  session: string;
  /** ISO 8601 with milliseconds: when the server saw it happen. */
  timestamp: string;
  data: Record<string, unknown>;
}

export const EVENT_ID_PATTERN = /^evt_[0-9A-HJKMNP-TV-Z]{26}$/;
