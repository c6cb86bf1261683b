import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { monotonicFactory } from 'ulid';
import { AppError } from '../common/app-error.js';
import { describeError } from '../common/describe-error.js';
import type { AppConfig } from '../config/app-config.js';
import type { DeliveryStatus, EventEnvelope, WebhookRecord } from './webhook.types.js';
import type { WebhookDispatcher } from './webhook-dispatcher.js';
import type { QueuedEvent, WebhooksRepository } from './webhooks.repository.js';

/** The webhook configured by WHATSAPP_WEBHOOK_URL. */
export const ENV_WEBHOOK_ID = 'env';

/** What the API shows of a webhook: everything but the secret. */
export type WebhookView = Omit<WebhookRecord, 'secret'>;

const view = ({ secret: _secret, ...webhook }: WebhookRecord): WebhookView => webhook;

const newSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;

export interface NewWebhook {
  url: string;
  events?: string[];
  sessions?: string[];
  description?: string | null;
}

export interface WebhookChange {
  url?: string;
  events?: string[];
  sessions?: string[];
  description?: string | null;
  enabled?: boolean;
}

/**
 * Webhooks: the one from the environment and those made through the API. Every stored event is
 * turned into one pending delivery per webhook that wants it, in the database, before anything is
 * sent; the dispatcher does the sending.
 */
export class WebhooksService {
  private readonly logger = new Logger('Webhooks');
  private readonly ulid = monotonicFactory();
  /** The enabled webhooks, read once and refreshed on every change: matched against each event. */
  private active: WebhookRecord[] = [];
  private readonly wake = new Set<string>();
  private wakeScheduled = false;

  constructor(
    private readonly config: AppConfig,
    private readonly repository: WebhooksRepository,
    private readonly dispatcher: WebhookDispatcher,
    private readonly now: () => number = Date.now,
    /** Stores a `webhook.test` event in the event log (every event is stored before it is delivered). */
    private readonly recordTest: (data: { webhook_id: string }) => EventEnvelope = (data) => ({
      id: `evt_${this.ulid()}`,
      type: 'webhook.test',
      session: 'default',
      timestamp: new Date(this.now()).toISOString(),
      data,
    }),
  ) {
    // A receiver that answered 410 disabled its webhook: stop queueing for it at once.
    dispatcher.onDisabled = () => this.refresh();
  }

  /** Boot: the environment webhook is (re)written as configured, and whatever was pending resumes. */
  start(): void {
    this.syncEnvironmentWebhook();
    this.refresh();
    for (const webhook of this.active) this.dispatcher.pump(webhook.id);
  }

  /** Queues the events for every enabled webhook that wants their type. Synchronous: they are in the database on return. */
  publish(...events: EventEnvelope[]): void {
    const batch: QueuedEvent[] = [];
    for (const event of events) {
      // A test event goes to the webhook it was made for only (see test()).
      if (event.type === 'webhook.test') continue;
      const targets = this.active.filter(
        (webhook) =>
          (webhook.events.includes('*') || webhook.events.includes(event.type)) &&
          (webhook.sessions.includes('*') || webhook.sessions.includes(event.session)),
      );
      if (targets.length > 0) batch.push({ event, webhookIds: targets.map((webhook) => webhook.id) });
    }
    if (batch.length === 0) return;
    this.repository.enqueueAll(batch, this.now(), () => `dlv_${this.ulid()}`);
    for (const { webhookIds } of batch) for (const id of webhookIds) this.wake.add(id);
    // Many events in one tick are sent as one batch per webhook, after the transaction that queued them.
    if (!this.wakeScheduled) {
      this.wakeScheduled = true;
      setImmediate(() => {
        this.wakeScheduled = false;
        const ids = [...this.wake];
        this.wake.clear();
        for (const id of ids) this.dispatcher.pump(id);
      });
    }
  }

  create(input: NewWebhook): WebhookView & { secret: string } {
    const webhook: WebhookRecord = {
      id: `wh_${this.ulid().toLowerCase()}`,
      url: input.url,
      events: input.events ?? ['*'],
      sessions: input.sessions ?? ['*'],
      description: input.description ?? null,
      secret: newSecret(),
      enabled: true,
      disabled_reason: null,
      created_at: new Date(this.now()).toISOString(),
    };
    this.repository.create(webhook);
    this.refresh();
    this.logger.log(`Webhook ${webhook.id} created for ${new URL(webhook.url).origin}`);
    return { ...view(webhook), secret: webhook.secret };
  }

  list(): WebhookView[] {
    return this.repository.list().map(view);
  }

  get(id: string): WebhookView {
    return view(this.find(id));
  }

  secret(id: string): string {
    return this.find(id).secret;
  }

  update(id: string, change: WebhookChange): WebhookView {
    const current = this.find(id);
    if (
      id === ENV_WEBHOOK_ID &&
      (change.url !== undefined || change.events !== undefined || change.sessions !== undefined || change.description !== undefined)
    ) {
      throw new AppError(
        'webhook_read_only',
        'The webhook "env" comes from WHATSAPP_WEBHOOK_URL and WHATSAPP_WEBHOOK_EVENTS: change them there. Only `enabled` can be set here.',
      );
    }
    const updated = this.repository.update(id, {
      ...(change.url !== undefined && { url: change.url }),
      ...(change.events !== undefined && { events: change.events }),
      ...(change.sessions !== undefined && { sessions: change.sessions }),
      ...(change.description !== undefined && { description: change.description }),
      ...(change.enabled !== undefined && { enabled: change.enabled, disabled_reason: change.enabled ? null : 'Disabled through the API' }),
    });
    this.refresh();
    this.dispatcher.refresh(id);
    return view(updated ?? current);
  }

  delete(id: string): void {
    this.find(id);
    if (id === ENV_WEBHOOK_ID) {
      throw new AppError('webhook_read_only', 'The webhook "env" comes from WHATSAPP_WEBHOOK_URL: unset it to remove the webhook.');
    }
    this.repository.delete(id);
    this.refresh();
    this.dispatcher.refresh(id);
  }

  /** Queues a `webhook.test` event for this webhook only (even when it does not list that type). */
  test(id: string) {
    const webhook = this.find(id);
    const event = this.recordTest({ webhook_id: webhook.id });
    let deliveryId = '';
    this.repository.enqueue(event, [webhook.id], this.now(), () => (deliveryId = `dlv_${this.ulid()}`));
    this.dispatcher.pump(webhook.id);
    return this.repository.delivery(webhook.id, deliveryId)!;
  }

  deliveries(id: string, status: DeliveryStatus | undefined, limit: number) {
    this.find(id);
    return this.repository.deliveries(id, status ?? null, limit);
  }

  retry(id: string, deliveryId: string) {
    this.find(id);
    const delivery = this.repository.delivery(id, deliveryId);
    if (!delivery) throw new AppError('not_found', `Webhook ${id} has no delivery ${deliveryId}.`);
    if (delivery.status !== 'failed') {
      throw new AppError('delivery_not_failed', `Delivery ${deliveryId} is ${delivery.status}; only a failed delivery can be retried.`);
    }
    this.repository.requeue(deliveryId, this.now());
    this.dispatcher.pump(id);
    return this.repository.delivery(id, deliveryId)!;
  }

  /** Deletes settled deliveries created before `cutoff` (epoch ms); they hold copies of the events. */
  prune(cutoff: number): void {
    try {
      const deleted = this.repository.deleteSettledBefore(cutoff);
      if (deleted > 0) this.logger.log(`Deleted ${deleted} settled webhook deliveries past the event retention`);
    } catch (error) {
      this.logger.error(`Could not delete old webhook deliveries: ${describeError(error)}`);
    }
  }

  private find(id: string): WebhookRecord {
    const webhook = this.repository.get(id);
    if (!webhook) throw new AppError('not_found', `No webhook with id "${id}". GET /api/webhooks lists them.`);
    return webhook;
  }

  private refresh(): void {
    this.active = this.repository.list().filter((webhook) => webhook.enabled);
  }

  private syncEnvironmentWebhook(): void {
    const { webhookUrl: url, webhookSecret: secret, webhookEvents: events } = this.config;
    const existing = this.repository.get(ENV_WEBHOOK_ID);
    if (!url || !secret) {
      if (existing) this.repository.delete(ENV_WEBHOOK_ID);
      return;
    }
    // The environment says the webhook is on: a restart re-enables one disabled by a 410.
    const fields = { url, events, sessions: ['*'], secret, enabled: true, disabled_reason: null };
    if (existing) this.repository.update(ENV_WEBHOOK_ID, fields);
    else {
      this.repository.create({
        id: ENV_WEBHOOK_ID,
        description: 'From WHATSAPP_WEBHOOK_URL',
        created_at: new Date(this.now()).toISOString(),
        ...fields,
      });
    }
  }
}
