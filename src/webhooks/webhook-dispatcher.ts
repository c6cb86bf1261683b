import { setMaxListeners } from 'node:events';
import { Logger } from '@nestjs/common';
import { classifyAttempt, nextDelay, type RetrySettings } from './webhook-retry.js';
import { sendWebhook, type SendRequest, type SendResult } from './webhook-sender.js';
import type { QueuedDelivery, Settlement, WebhookRecord } from './webhook.types.js';
import type { WebhooksRepository } from './webhooks.repository.js';

/** Attempts in flight per webhook: enough for throughput, bounded so one receiver cannot hoard sockets. */
export const LANE_WIDTH = 16;
/** Due deliveries read from the database at once per webhook (they stay pending there until answered). */
const BATCH = 256;

export interface DispatcherSettings extends RetrySettings {
  timeoutMs: number;
}

export type DeliveryOutcome = 'delivered' | 'retry' | 'failed' | 'disabled';

export interface DispatcherHooks {
  send?: (request: SendRequest) => Promise<SendResult>;
  now?: () => number;
  /** Told of every attempt (metrics). */
  onAttempt?: (outcome: DeliveryOutcome, latencyMs: number) => void;
}

interface Lane {
  /** The webhook as last read; dropped by refresh() when it changes. */
  webhook: WebhookRecord | null;
  inflight: Set<string>;
  /** Due deliveries read and not started yet. */
  buffer: QueuedDelivery[];
  timer: NodeJS.Timeout | null;
  timerAt: number;
}

/**
 * Sends queued deliveries. Each webhook has its own lane with its own bounded set of attempts in
 * flight and its own timer, so a slow or dead receiver only ever waits on itself. The database is
 * the queue: a delivery stays `pending` until an answer settles it, so a crash at any point leaves
 * it to be sent again after the restart, with the same `webhook-id` (at least once). Answers are
 * written once per turn of the event loop, all in one transaction (a commit per delivery was most of
 * the cost at thousands a second); a lane reads the queue again only after they are written, so an
 * answered delivery is never read back as due.
 */
export class WebhookDispatcher {
  private readonly logger = new Logger('Webhooks');
  private readonly lanes = new Map<string, Lane>();
  private readonly abort = new AbortController();
  private readonly attempts = new Set<Promise<void>>();
  private readonly send: (request: SendRequest) => Promise<SendResult>;
  private readonly now: () => number;
  private closed = false;
  /** Answers not written yet, and the lanes to pump once they are. */
  private settlements: Settlement[] = [];
  private readonly woken = new Set<string>();
  private tickScheduled = false;
  /** Told when a receiver's 410 disabled a webhook (the service stops queueing for it). */
  onDisabled: (webhookId: string) => void = () => undefined;

  constructor(
    private readonly repository: WebhooksRepository,
    private readonly settings: DispatcherSettings,
    private readonly hooks: DispatcherHooks = {},
  ) {
    this.send = hooks.send ?? sendWebhook;
    this.now = hooks.now ?? Date.now;
    // Every attempt in flight listens for the shutdown: more than Node's default of 10 is normal.
    setMaxListeners(0, this.abort.signal);
  }

  /** Sends whatever of this webhook is due, and arms its timer for what comes due later. */
  pump(webhookId: string): void {
    if (this.closed) return;
    const lane = this.lane(webhookId);
    lane.webhook ??= this.repository.get(webhookId);
    const webhook = lane.webhook;
    if (!webhook?.enabled) return this.forget(webhookId);
    this.writeSettlements();
    // One instant for both questions: asked twice, a delivery coming due between them would be
    // neither due nor later, and nothing would wake for it.
    const now = this.now();
    if (lane.buffer.length === 0 && lane.inflight.size < LANE_WIDTH) {
      const due = this.repository.due(webhookId, now, BATCH + lane.inflight.size);
      lane.buffer = due.filter((row) => !lane.inflight.has(row.id)).slice(0, BATCH);
    }
    while (lane.inflight.size < LANE_WIDTH && lane.buffer.length > 0) this.start(webhook, lane, lane.buffer.shift()!);
    if (lane.buffer.length === 0) this.arm(webhookId, lane, now);
  }

  /** The webhook changed (enabled, disabled, new URL, deleted): read it again and start over. */
  refresh(webhookId: string): void {
    const lane = this.lanes.get(webhookId);
    if (lane) {
      lane.webhook = null;
      lane.buffer = [];
    }
    this.pump(webhookId);
  }

  /** Stops sending: timers cleared, attempts in flight aborted (they stay pending for the next start). */
  async close(): Promise<void> {
    this.closed = true;
    this.writeSettlements();
    for (const id of [...this.lanes.keys()]) this.forget(id);
    this.abort.abort();
    await Promise.allSettled([...this.attempts]);
  }

  /** Pumps the lane on the next turn of the event loop, after this turn's answers are written. */
  private wakeLater(webhookId: string): void {
    this.woken.add(webhookId);
    if (this.tickScheduled) return;
    this.tickScheduled = true;
    setImmediate(() => {
      this.tickScheduled = false;
      this.writeSettlements();
      const ids = [...this.woken];
      this.woken.clear();
      for (const id of ids) this.pump(id);
    });
  }

  private writeSettlements(): void {
    if (this.settlements.length === 0) return;
    const batch = this.settlements;
    this.settlements = [];
    try {
      this.repository.settle(batch);
    } catch (error) {
      // They stay pending, to be sent again: at least once.
      this.logger.error(`${batch.length} delivery outcomes could not be recorded: ${String(error)}`);
    }
  }

  private lane(webhookId: string): Lane {
    let lane = this.lanes.get(webhookId);
    if (!lane) {
      lane = { webhook: null, inflight: new Set(), buffer: [], timer: null, timerAt: Number.POSITIVE_INFINITY };
      this.lanes.set(webhookId, lane);
    }
    return lane;
  }

  private forget(webhookId: string): void {
    const lane = this.lanes.get(webhookId);
    if (!lane) return;
    if (lane.timer) clearTimeout(lane.timer);
    lane.timer = null;
    lane.timerAt = Number.POSITIVE_INFINITY;
    lane.webhook = null;
    lane.buffer = [];
    if (lane.inflight.size === 0) this.lanes.delete(webhookId);
  }

  /** One timer per lane, at the earliest delivery that is not due yet. */
  private arm(webhookId: string, lane: Lane, now: number): void {
    const next = this.repository.nextDue(webhookId, now);
    if (next === null || next >= lane.timerAt) return;
    if (lane.timer) clearTimeout(lane.timer);
    lane.timerAt = next;
    lane.timer = setTimeout(
      () => {
        lane.timer = null;
        lane.timerAt = Number.POSITIVE_INFINITY;
        this.pump(webhookId);
      },
      Math.max(0, next - now),
    );
    lane.timer.unref();
  }

  private start(webhook: WebhookRecord, lane: Lane, row: QueuedDelivery): void {
    lane.inflight.add(row.id);
    const attempt = this.attempt(webhook, row)
      .catch((error: unknown) => this.logger.error(`Delivery ${row.id} could not be recorded: ${String(error)}`))
      .finally(() => {
        lane.inflight.delete(row.id);
        this.attempts.delete(attempt);
        this.wakeLater(webhook.id);
      });
    this.attempts.add(attempt);
  }

  private async attempt(webhook: WebhookRecord, row: QueuedDelivery): Promise<void> {
    const started = this.now();
    const result = await this.send({
      url: webhook.url,
      secret: webhook.secret,
      eventId: row.event_id,
      payload: row.payload,
      timeoutMs: this.settings.timeoutMs,
      now: new Date(started),
      signal: this.abort.signal,
    });
    // Shutting down: the attempt was cut short by us, not answered; it stays pending.
    if (this.closed) return;
    const now = this.now();
    const attempts = row.attempts + 1;
    const outcome = classifyAttempt(result, now);
    const reported = this.record(webhook, row, attempts, outcome, result, now);
    this.hooks.onAttempt?.(reported, now - started);
  }

  private record(
    webhook: WebhookRecord,
    row: QueuedDelivery,
    attempts: number,
    outcome: ReturnType<typeof classifyAttempt>,
    result: SendResult,
    now: number,
  ): DeliveryOutcome {
    const status = result.status;
    switch (outcome.kind) {
      case 'delivered':
        this.settlements.push({ kind: 'delivered', id: row.id, attempts, statusCode: status ?? 200, at: now });
        return 'delivered';
      case 'gone': {
        const reason = `The receiver answered 410 Gone on ${new Date(now).toISOString()}`;
        this.repository.markFailed(row.id, attempts, status, 'The receiver answered 410 Gone; the webhook was disabled');
        this.repository.update(webhook.id, { enabled: false, disabled_reason: reason });
        this.logger.warn(`Webhook ${webhook.id} disabled: ${reason}`);
        this.forget(webhook.id);
        this.onDisabled(webhook.id);
        return 'disabled';
      }
      case 'retry': {
        const error = result.error ?? `The receiver answered ${status}`;
        const delay = nextDelay(attempts, outcome.retryAfterMs, this.settings);
        if (delay === null) {
          this.settlements.push({
            kind: 'failed',
            id: row.id,
            attempts,
            statusCode: status,
            error: `${error} (gave up after ${attempts} attempts)`,
          });
          return 'failed';
        }
        this.settlements.push({ kind: 'retry', id: row.id, attempts, statusCode: status, error, nextAt: now + delay });
        return 'retry';
      }
      case 'failed':
        this.settlements.push({
          kind: 'failed',
          id: row.id,
          attempts,
          statusCode: status,
          error: `The receiver answered ${status}; not retried`,
        });
        return 'failed';
    }
  }
}
