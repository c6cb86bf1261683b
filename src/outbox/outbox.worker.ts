import { type BeforeApplicationShutdown, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { EventEmitter2, OnEvent } from '@nestjs/event-emitter';
import { AppError, type ErrorCode } from '../common/app-error.js';
import { describeError } from '../common/describe-error.js';
import { MessagingService } from '../messaging/messaging.service.js';
import { Clock, type TimerHandle } from '../whatsapp/clock.js';
import { type WhatsAppEventPayloads, WhatsAppTopic } from '../whatsapp/whatsapp-events.js';
import { WhatsAppService } from '../whatsapp/whatsapp.service.js';
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

/** A lane: one recipient of one session. */
const laneOf = (session: string, to: string): string => `${session}\n${to}`;

/**
 * Sends queued items while their session is ready: one lane per session and recipient (one item in flight, in
 * order of acceptance), lanes interleaving; pacing is the sending limits' (a lane waits for a slot).
 * It wakes on the session's `ready` and on new items, never by polling WhatsApp.
 */
@Injectable()
export class OutboxWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Outbox');
  /** Lanes running. */
  private readonly lanes = new Set<string>();
  /** Lanes whose head item waits for its retry. */
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
    for (const session of this.repository.sessions()) {
      for (const record of this.repository.markInterrupted(session, this.clock.now())) {
        this.logger.warn(`Item ${record.id} to ${record.to} was being sent when the server stopped: now unknown, not resent`);
        this.publish(session, OutboxTopic.unknown, { item: toItem(record) });
      }
    }
    for (const session of this.repository.sessions()) this.pump(session);
  }

  beforeApplicationShutdown(): void {
    this.stopped = true;
    for (const timer of this.retries.values()) this.clock.clearTimeout(timer);
    this.retries.clear();
  }

  @OnEvent(WhatsAppTopic.status)
  onStatus(event: WhatsAppEventPayloads['whatsapp.status']): void {
    if (event.status.state === 'ready') this.pump(event.session);
  }

  /** The session was deleted: its items go (a lane still running stops at its next item, finding none). */
  @OnEvent(WhatsAppTopic.removed)
  onRemoved({ session }: WhatsAppEventPayloads['whatsapp.session.removed']): void {
    this.repository.deleteSession(session);
  }

  /** Whether `session` exists now (an item for a session being deleted must not outlive it). */
  knows(session: string): boolean {
    return this.whatsapp.find(session) !== undefined;
  }

  /** Starts a lane for every recipient of `session` with queued items that has none running. */
  pump(session: string): void {
    if (!this.ready(session)) return;
    for (const to of this.repository.queuedRecipients(session)) {
      const lane = laneOf(session, to);
      if (!this.lanes.has(lane) && !this.retries.has(lane)) void this.lane(session, to);
    }
  }

  private ready(session: string): boolean {
    return !this.stopped && this.whatsapp.find(session)?.currentState === 'ready';
  }

  private async lane(session: string, to: string): Promise<void> {
    const lane = laneOf(session, to);
    this.lanes.add(lane);
    try {
      for (
        let item = this.repository.nextQueued(session, to);
        item && this.ready(session);
        item = this.repository.nextQueued(session, to)
      ) {
        const wait = item.notBefore - this.clock.now();
        if (wait > 0) return this.retryLater(session, to, wait);
        await this.deliver(item);
      }
    } catch (error) {
      this.logger.error(`The lane to ${to} (session ${session}) stopped: ${describeError(error)}`);
    } finally {
      this.lanes.delete(lane);
    }
  }

  private retryLater(session: string, to: string, ms: number): void {
    const lane = laneOf(session, to);
    this.retries.set(
      lane,
      this.clock.setTimeout(() => {
        this.retries.delete(lane);
        this.pump(session);
      }, ms),
    );
  }

  private async deliver(item: OutboxRecord): Promise<void> {
    const { session } = item;
    let sending = false;
    const markSending = (): boolean => {
      sending = this.repository.update(session, item.id, 'queued', { state: 'sending', updatedAt: this.clock.now() }) !== undefined;
      return sending;
    };
    try {
      const answer = await this.messaging.sendQueued(session, item.to, item.message, markSending);
      if (!answer) return;
      const now = this.clock.now();
      const sent = this.repository.update(session, item.id, 'sending', {
        state: 'sent',
        messageId: answer.message_id,
        error: null,
        updatedAt: now,
      });
      if (sent) this.publish(session, OutboxTopic.sent, { item: toItem(sent), queued_ms: now - item.createdAt });
    } catch (thrown) {
      const error =
        thrown instanceof AppError ? { code: thrown.code, message: thrown.message } : { code: 'internal', message: describeError(thrown) };
      const now = this.clock.now();
      if (sending) {
        // The send itself failed: WhatsApp may have taken it, so it is not tried again.
        const unknown = this.repository.update(session, item.id, 'sending', { state: 'unknown', error, updatedAt: now });
        if (unknown) this.publish(session, OutboxTopic.unknown, { item: toItem(unknown) });
        return;
      }
      if (WAITING.has(error.code as ErrorCode)) {
        // The account is not ready (a disconnect while the item waited for a slot): the item waits
        // for the next ready without using up an attempt, as queued items do.
        this.repository.update(session, item.id, 'queued', { notBefore: now + this.settings.retryBaseMs, error, updatedAt: now });
        return;
      }
      const attempts = item.attempts + 1;
      if (PERMANENT.has(error.code as ErrorCode) || attempts >= this.settings.maxAttempts) {
        const failed = this.repository.update(session, item.id, 'queued', { state: 'failed', error, attempts, updatedAt: now });
        if (failed) this.publish(session, OutboxTopic.failed, { item: toItem(failed) });
        return;
      }
      const delay = Math.min(this.settings.retryMaxMs, this.settings.retryBaseMs * 2 ** (attempts - 1));
      this.logger.warn(`Item ${item.id} to ${item.to}: ${error.message}; retry ${attempts} in ${delay} ms`);
      this.repository.update(session, item.id, 'queued', { attempts, notBefore: now + delay, error, updatedAt: now });
    }
  }

  private publish<T extends keyof OutboxEventPayloads>(
    session: string,
    topic: T,
    payload: Omit<OutboxEventPayloads[T], 'session' | 'at'>,
  ): void {
    this.bus.emit(topic, { session, at: new Date(this.clock.now()), ...payload });
  }
}
