import type { DeliveryRecord, DeliveryStatus, EventEnvelope, QueuedDelivery, Settlement, WebhookRecord } from './webhook.types.js';

/** An event and the webhooks that want it. */
export interface QueuedEvent {
  event: EventEnvelope;
  webhookIds: readonly string[];
}

export type WebhookPatch = Partial<
  Pick<WebhookRecord, 'url' | 'events' | 'sessions' | 'description' | 'enabled' | 'disabled_reason' | 'secret'>
>;

/**
 * Webhooks and their deliveries. Services speak these terms; the SQL lives in one implementation
 * per database (SQLite today). Times are epoch milliseconds in, ISO strings out.
 */
export abstract class WebhooksRepository {
  abstract create(webhook: WebhookRecord): void;
  abstract get(id: string): WebhookRecord | null;
  abstract list(): WebhookRecord[];
  abstract update(id: string, patch: WebhookPatch): WebhookRecord | null;
  /** Removes the webhook and every delivery of it; false when there was none. */
  abstract delete(id: string): boolean;

  /** One pending delivery per webhook, due at `now`, in one transaction with ids from `newId`. */
  abstract enqueue(event: EventEnvelope, webhookIds: readonly string[], now: number, newId: () => string): void;
  /** `enqueue` for many events, all in one transaction. */
  abstract enqueueAll(batch: readonly QueuedEvent[], now: number, newId: () => string): void;
  /** Pending deliveries of a webhook due at `now`, oldest due first. */
  abstract due(webhookId: string, now: number, limit: number): QueuedDelivery[];
  /** When the next pending delivery of a webhook that is not due at `now` comes due (epoch ms), or null. */
  abstract nextDue(webhookId: string, now: number): number | null;
  abstract markDelivered(id: string, attempts: number, statusCode: number, now: number): void;
  abstract markRetry(id: string, attempts: number, statusCode: number | null, error: string | null, nextAt: number): void;
  abstract markFailed(id: string, attempts: number, statusCode: number | null, error: string | null): void;
  /** Writes many outcomes in one transaction (one commit per batch instead of one per delivery). */
  abstract settle(settlements: readonly Settlement[]): void;
  abstract deliveries(webhookId: string, status: DeliveryStatus | null, limit: number): DeliveryRecord[];
  abstract delivery(webhookId: string, id: string): DeliveryRecord | null;
  /** A failed delivery goes back to pending, due now, with a fresh round of attempts. */
  abstract requeue(id: string, now: number): void;
  /** Deletes delivered and failed deliveries created before `cutoff` (epoch ms); returns how many. */
  abstract deleteSettledBefore(cutoff: number): number;
  /** Pending deliveries per webhook (metrics). */
  abstract pendingCounts(): Map<string, number>;
}
