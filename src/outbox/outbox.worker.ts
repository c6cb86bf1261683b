import { type BeforeApplicationShutdown, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { EventEmitter2, OnEvent } from '@nestjs/event-emitter';
import { AppError, type ErrorCode } from '../common/app-error.js';
import { describeError } from '../common/describe-error.js';
import { MessagingService } from '../messaging/messaging.service.js';
import { Clock, type TimerHandle } from '../whatsapp/clock.js';
import { type WhatsAppEventPayloads, WhatsAppTopic } from '../whatsapp/whatsapp-events.js';
import { DEFAULT_SESSION, WhatsAppService } from '../whatsapp/whatsapp.service.js';
import { type OutboxEventPayloads, type OutboxRecord, OutboxTopic, toItem } from './outbox-item.js';
import { OutboxRepository } from './outbox.repository.js';

/** Retry pacing for transient failures (WhatsApp errors, a client lost during the lookup). */
export class OutboxSettings {
  constructor(
    readonly retryBaseMs = 1_000,
    readonly retryMaxMs = 300_000,
    /** After this many failed attempts the item ends in `failed` with the last error. */
    readonly maxAttempts = 8,
  ) {}
}

/** Refusals that would repeat on every attempt. */
const PERMANENT = new Set<ErrorCode>(['not_on_whatsapp', 'invalid_input']);
/** Refusals that only say the account is not ready yet: the item waits, they are not failures of it. */
const WAITING = new Set<ErrorCode>(['not_ready', 'start_failed', 'browser_unavailable']);

/**
 * Sends queued items while the session is ready: one lane per recipient (one item in flight, in
 * order of acceptance), lanes interleaving; pacing is the sending limits' (a lane waits for a slot).
 * It wakes on the session's `ready` and on new items, never by polling WhatsApp.
 */
@Injectable()
export class OutboxWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Outbox');
  private readonly session = DEFAULT_SESSION;
  /** Recipients whose lane is running. */
  private readonly lanes = new Set<string>();
  /** Recipients whose head item waits for its retry. */
  private readonly retries = new Map<string, TimerHandle>();
  private stopped = false;

  constructor(
    private readonly repository: OutboxRepository,
    private readonly messaging: MessagingService,
    private readonly whatsapp: WhatsAppService,
    private readonly bus: EventEmitter2,
    private readonly clock: Clock,
    private readonly settings: OutboxSettings,
  ) {}

  /** Items caught `sending` by the end of the last process may have gone out: never resent by themselves. */
  onApplicationBootstrap(): void {
    for (const record of this.repository.markInterrupted(this.session, this.clock.now())) {
      this.logger.warn(`Item ${record.id} to ${record.to} was being sent when the server stopped: now unknown, not resent`);
      this.publish(OutboxTopic.unknown, { item: toItem(record) });
    }
    this.pump();
  }

  beforeApplicationShutdown(): void {
    this.stopped = true;
    for (const timer of this.retries.values()) this.clock.clearTimeout(timer);
    this.retries.clear();
  }

  @OnEvent(WhatsAppTopic.status)
  onStatus(event: WhatsAppEventPayloads['whatsapp.status']): void {
    if (event.session === this.session && event.status.state === 'ready') this.pump();
  }

  /** Starts a lane for every recipient with queued items that has none running. */
  pump(): void {
    if (!this.ready()) return;
    for (const to of this.repository.queuedRecipients(this.session)) {
      if (!this.lanes.has(to) && !this.retries.has(to)) void this.lane(to);
    }
  }

  private ready(): boolean {
    return !this.stopped && this.whatsapp.session(this.session).currentState === 'ready';
  }

  private async lane(to: string): Promise<void> {
    this.lanes.add(to);
    try {
      for (
        let item = this.repository.nextQueued(this.session, to);
        item && this.ready();
        item = this.repository.nextQueued(this.session, to)
      ) {
        const wait = item.notBefore - this.clock.now();
        if (wait > 0) return this.retryLater(to, wait);
        await this.deliver(item);
      }
    } catch (error) {
      this.logger.error(`The lane to ${to} stopped: ${describeError(error)}`);
    } finally {
      this.lanes.delete(to);
    }
  }

  private retryLater(to: string, ms: number): void {
    this.retries.set(
      to,
      this.clock.setTimeout(() => {
        this.retries.delete(to);
        this.pump();
      }, ms),
    );
  }

  private async deliver(item: OutboxRecord): Promise<void> {
    let sending = false;
    const markSending = (): boolean => {
      sending = this.repository.update(this.session, item.id, 'queued', { state: 'sending', updatedAt: this.clock.now() }) !== undefined;
      return sending;
    };
    try {
      const answer = await this.messaging.sendQueued(item.to, item.message, markSending);
      if (!answer) return;
      const now = this.clock.now();
      const sent = this.repository.update(this.session, item.id, 'sending', {
        state: 'sent',
        messageId: answer.message_id,
        error: null,
        updatedAt: now,
      });
      if (sent) this.publish(OutboxTopic.sent, { item: toItem(sent), queued_ms: now - item.createdAt });
    } catch (thrown) {
      const error =
        thrown instanceof AppError ? { code: thrown.code, message: thrown.message } : { code: 'internal', message: describeError(thrown) };
      const now = this.clock.now();
      if (sending) {
        // The send itself failed: WhatsApp may have taken it, so it is not tried again.
        const unknown = this.repository.update(this.session, item.id, 'sending', { state: 'unknown', error, updatedAt: now });
        if (unknown) this.publish(OutboxTopic.unknown, { item: toItem(unknown) });
        return;
      }
      if (WAITING.has(error.code as ErrorCode)) {
        // The account is not ready (a disconnect while the item waited for a slot): the item waits
        // for the next ready without using up an attempt, as queued items do.
        this.repository.update(this.session, item.id, 'queued', { notBefore: now + this.settings.retryBaseMs, error, updatedAt: now });
        return;
      }
      const attempts = item.attempts + 1;
      if (PERMANENT.has(error.code as ErrorCode) || attempts >= this.settings.maxAttempts) {
        const failed = this.repository.update(this.session, item.id, 'queued', { state: 'failed', error, attempts, updatedAt: now });
        if (failed) this.publish(OutboxTopic.failed, { item: toItem(failed) });
        return;
      }
      const delay = Math.min(this.settings.retryMaxMs, this.settings.retryBaseMs * 2 ** (attempts - 1));
      this.logger.warn(`Item ${item.id} to ${item.to}: ${error.message}; retry ${attempts} in ${delay} ms`);
      this.repository.update(this.session, item.id, 'queued', { attempts, notBefore: now + delay, error, updatedAt: now });
    }
  }

  private publish<T extends keyof OutboxEventPayloads>(topic: T, payload: Omit<OutboxEventPayloads[T], 'session' | 'at'>): void {
    this.bus.emit(topic, { session: this.session, at: new Date(this.clock.now()), ...payload });
  }
}
