import type { EventType } from '../common/event-types.js';

export { EVENT_TYPES, type EventType, isEventType } from '../common/event-types.js';

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
