import { Injectable } from '@nestjs/common';
import type { Database, Statement } from 'better-sqlite3';
import { SqliteConnection } from '../database/sqlite-connection.js';
import type { DeliveryRecord, DeliveryStatus, EventEnvelope, QueuedDelivery, Settlement, WebhookRecord } from './webhook.types.js';
import { type QueuedEvent, type WebhookPatch, WebhooksRepository } from './webhooks.repository.js';

interface WebhookRow {
  id: string;
  url: string;
  events: string;
  sessions: string;
  description: string | null;
  secret: string;
  enabled: number;
  disabled_reason: string | null;
  created_at: string;
}

interface DeliveryRow {
  id: string;
  webhook_id: string;
  event_id: string;
  event_type: string;
  status: DeliveryStatus;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: number | null;
  delivered_at: number | null;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

const toWebhook = (row: WebhookRow): WebhookRecord => ({
  ...row,
  events: JSON.parse(row.events) as string[],
  sessions: JSON.parse(row.sessions) as string[],
  enabled: row.enabled === 1,
});

const toDelivery = (row: DeliveryRow): DeliveryRecord => ({
  ...row,
  next_attempt_at: row.status === 'pending' ? iso(row.next_attempt_at) : null,
  delivered_at: iso(row.delivered_at),
});

const DELIVERY_COLUMNS =
  'id, webhook_id, event_id, event_type, status, attempts, last_status_code, last_error, next_attempt_at, delivered_at';

/** Statements are prepared on first use: the connection opens after providers are built. */
@Injectable()
export class SqliteWebhooksRepository extends WebhooksRepository {
  private prepared: Record<string, Statement> | null = null;

  constructor(private readonly connection: SqliteConnection) {
    super();
  }

  private get db(): Database {
    return this.connection.db;
  }

  private get statements(): Record<string, Statement> {
    if (this.prepared) return this.prepared;
    const s = (sql: string): Statement => this.db.prepare(sql);
    this.prepared = {
      insert: s(`INSERT INTO webhooks (id, url, events, sessions, description, secret, enabled, disabled_reason, created_at)
                 VALUES (@id, @url, @events, @sessions, @description, @secret, @enabled, @disabled_reason, @created_at)`),
      get: s('SELECT * FROM webhooks WHERE id = ?'),
      list: s('SELECT * FROM webhooks ORDER BY created_at, id'),
      delete: s('DELETE FROM webhooks WHERE id = ?'),
      enqueue:
        s(`INSERT INTO webhook_deliveries (id, webhook_id, event_id, event_type, payload, status, attempts, next_attempt_at, created_at)
                  VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?)`),
      due: s(`SELECT id, webhook_id, event_id, payload, attempts FROM webhook_deliveries
              WHERE webhook_id = ? AND status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`),
      nextDue: s(
        `SELECT MIN(next_attempt_at) AS at FROM webhook_deliveries WHERE webhook_id = ? AND status = 'pending' AND next_attempt_at > ?`,
      ),
      delivered: s(`UPDATE webhook_deliveries SET status = 'delivered', attempts = ?, last_status_code = ?, last_error = NULL,
                    next_attempt_at = NULL, delivered_at = ?, payload = '' WHERE id = ?`),
      retry: s('UPDATE webhook_deliveries SET attempts = ?, last_status_code = ?, last_error = ?, next_attempt_at = ? WHERE id = ?'),
      failed: s(`UPDATE webhook_deliveries SET status = 'failed', attempts = ?, last_status_code = ?, last_error = ?,
                 next_attempt_at = NULL WHERE id = ?`),
      deliveries: s(`SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE webhook_id = @webhook
                     AND (@status IS NULL OR status = @status) ORDER BY created_at DESC, id DESC LIMIT @limit`),
      delivery: s(`SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE webhook_id = ? AND id = ?`),
      requeue: s(`UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = ? WHERE id = ? AND status = 'failed'`),
      prune: s(`DELETE FROM webhook_deliveries WHERE status IN ('delivered', 'failed') AND created_at < ?`),
      pending: s(`SELECT webhook_id, COUNT(*) AS n FROM webhook_deliveries WHERE status = 'pending' GROUP BY webhook_id`),
    };
    return this.prepared;
  }

  create(webhook: WebhookRecord): void {
    this.statements.insert.run({
      ...webhook,
      events: JSON.stringify(webhook.events),
      sessions: JSON.stringify(webhook.sessions),
      enabled: webhook.enabled ? 1 : 0,
    });
  }

  get(id: string): WebhookRecord | null {
    const row = this.statements.get.get(id) as WebhookRow | undefined;
    return row ? toWebhook(row) : null;
  }

  list(): WebhookRecord[] {
    return (this.statements.list.all() as WebhookRow[]).map(toWebhook);
  }

  update(id: string, patch: WebhookPatch): WebhookRecord | null {
    const current = this.get(id);
    if (!current) return null;
    const next: WebhookRecord = { ...current, ...patch };
    this.db
      .prepare(
        `UPDATE webhooks SET url = ?, events = ?, sessions = ?, description = ?, secret = ?, enabled = ?, disabled_reason = ? WHERE id = ?`,
      )
      .run(
        next.url,
        JSON.stringify(next.events),
        JSON.stringify(next.sessions),
        next.description,
        next.secret,
        next.enabled ? 1 : 0,
        next.disabled_reason,
        id,
      );
    return next;
  }

  delete(id: string): boolean {
    return this.statements.delete.run(id).changes > 0;
  }

  enqueue(event: EventEnvelope, webhookIds: readonly string[], now: number, newId: () => string): void {
    this.enqueueAll([{ event, webhookIds }], now, newId);
  }

  enqueueAll(batch: readonly QueuedEvent[], now: number, newId: () => string): void {
    this.db.transaction(() => {
      for (const { event, webhookIds } of batch) {
        if (webhookIds.length === 0) continue;
        const payload = JSON.stringify(event);
        for (const webhookId of webhookIds) this.statements.enqueue.run(newId(), webhookId, event.id, event.type, payload, now, now);
      }
    })();
  }

  due(webhookId: string, now: number, limit: number): QueuedDelivery[] {
    return this.statements.due.all(webhookId, now, limit) as QueuedDelivery[];
  }

  nextDue(webhookId: string, now: number): number | null {
    return (this.statements.nextDue.get(webhookId, now) as { at: number | null }).at;
  }

  markDelivered(id: string, attempts: number, statusCode: number, now: number): void {
    this.statements.delivered.run(attempts, statusCode, now, id);
  }

  markRetry(id: string, attempts: number, statusCode: number | null, error: string | null, nextAt: number): void {
    this.statements.retry.run(attempts, statusCode, error, nextAt, id);
  }

  markFailed(id: string, attempts: number, statusCode: number | null, error: string | null): void {
    this.statements.failed.run(attempts, statusCode, error, id);
  }

  settle(settlements: readonly Settlement[]): void {
    this.db.transaction(() => {
      for (const s of settlements) {
        if (s.kind === 'delivered') this.markDelivered(s.id, s.attempts, s.statusCode, s.at);
        else if (s.kind === 'retry') this.markRetry(s.id, s.attempts, s.statusCode, s.error, s.nextAt);
        else this.markFailed(s.id, s.attempts, s.statusCode, s.error);
      }
    })();
  }

  deliveries(webhookId: string, status: DeliveryStatus | null, limit: number): DeliveryRecord[] {
    return (this.statements.deliveries.all({ webhook: webhookId, status, limit }) as DeliveryRow[]).map(toDelivery);
  }

  delivery(webhookId: string, id: string): DeliveryRecord | null {
    const row = this.statements.delivery.get(webhookId, id) as DeliveryRow | undefined;
    return row ? toDelivery(row) : null;
  }

  requeue(id: string, now: number): void {
    this.statements.requeue.run(now, id);
  }

  deleteSettledBefore(cutoff: number): number {
    return this.statements.prune.run(cutoff).changes;
  }

  pendingCounts(): Map<string, number> {
    const rows = this.statements.pending.all() as { webhook_id: string; n: number }[];
    return new Map(rows.map((row) => [row.webhook_id, row.n]));
  }
}
