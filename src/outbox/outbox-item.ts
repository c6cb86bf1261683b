/**
 * `unknown`: the send was under way when the process died (or the client went away during it);
 * it may or may not have gone out, so it is never sent again by itself.
 */
export const OUTBOX_STATES = ['queued', 'sending', 'sent', 'failed', 'unknown'] as const;
export type OutboxState = (typeof OUTBOX_STATES)[number];

export interface OutboxError {
  code: string;
  message: string;
}

/** An item as stored. Times are epoch milliseconds. */
export interface OutboxRecord {
  id: string;
  session: string;
  /** The recipient's digits. */
  to: string;
  message: string;
  state: OutboxState;
  messageId: string | null;
  error: OutboxError | null;
  /** Failed attempts so far (transient errors, retried). */
  attempts: number;
  /** A retry waits until then. */
  notBefore: number;
  createdAt: number;
  updatedAt: number;
}

/** The contract's item. */
export interface OutboxItem {
  id: string;
  to: string;
  state: OutboxState;
  message_id: string | null;
  error: OutboxError | null;
  created_at: string;
  updated_at: string;
}

export function toItem(record: OutboxRecord): OutboxItem {
  return {
    id: record.id,
    to: record.to,
    state: record.state,
    message_id: record.messageId,
    error: record.error,
    created_at: new Date(record.createdAt).toISOString(),
    updated_at: new Date(record.updatedAt).toISOString(),
  };
}

/** What the outbox publishes on the bus (the lead maps them to stored events and metrics). */
export const OutboxTopic = {
  /** An item was sent: `{ session, at, item, queued_ms }` (queued_ms: from accepted to sent). */
  sent: 'outbox.sent',
  /** An item ended in `failed` (not on cancel): `{ session, at, item }`. */
  failed: 'outbox.failed',
  /** An item became `unknown`: `{ session, at, item }`. */
  unknown: 'outbox.unknown',
} as const;

export interface OutboxEventPayloads {
  'outbox.sent': { session: string; at: Date; item: OutboxItem; queued_ms: number };
  'outbox.failed': { session: string; at: Date; item: OutboxItem };
  'outbox.unknown': { session: string; at: Date; item: OutboxItem };
}
