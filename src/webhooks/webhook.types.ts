/** A webhook as stored. `secret` leaves the server only in the create answer and the secret route. */
export interface WebhookRecord {
  id: string;
  url: string;
  /** Event types, or `['*']` for every type. */
  events: string[];
  /** Session names, or `['*']` for every session. */
  sessions: string[];
  description: string | null;
  secret: string;
  enabled: boolean;
  disabled_reason: string | null;
  created_at: string;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['pending', 'delivered', 'failed'];

export interface DeliveryRecord {
  id: string;
  webhook_id: string;
  /** Also the `webhook-id` header: the same on every attempt, so receivers can drop repeats. */
  event_id: string;
  event_type: string;
  status: DeliveryStatus;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  /** ISO time of the next attempt while pending; null otherwise. */
  next_attempt_at: string | null;
  delivered_at: string | null;
}

/** What a delivery sends: the event envelope exactly as stored, serialized once. */
export interface QueuedDelivery {
  id: string;
  webhook_id: string;
  event_id: string;
  payload: string;
  attempts: number;
}

/** How an answered attempt leaves a delivery: written in batches, one transaction per tick. */
export type Settlement =
  | { kind: 'delivered'; id: string; attempts: number; statusCode: number; at: number }
  | { kind: 'retry'; id: string; attempts: number; statusCode: number | null; error: string | null; nextAt: number }
  | { kind: 'failed'; id: string; attempts: number; statusCode: number | null; error: string | null };

/** The envelope of the contract (`/api/events`, webhooks, streams). */
export interface EventEnvelope {
  id: string;
  type: string;
  session: string;
  timestamp: string;
  data: unknown;
}
