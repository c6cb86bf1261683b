/** The contract's event types, in the order of its table (API.md, "Events"); `outbox.failed` is issue 14's. */
export const EVENT_TYPES = [
  'message.received',
  'message.sent',
  'message.ack',
  'message.revoked',
  'message.edited',
  'message.reaction',
  'session.status',
  'outbox.failed',
  'webhook.test',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const isEventType = (value: string): value is EventType => (EVENT_TYPES as readonly string[]).includes(value);
