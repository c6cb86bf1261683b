import { type WhatsAppEventPayloads, WhatsAppTopic } from '../whatsapp/whatsapp-events.js';
import { OnEvent } from '@nestjs/event-emitter';
import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { Observable, Subject } from 'rxjs';
import { encodeTime } from 'ulid';
import { AppConfig } from '../config/app-config.js';
import { describeError } from '../common/describe-error.js';
import type { EventEnvelope, EventType } from './event-envelope.js';
import { EventIds } from './event-ids.js';
import { EventsRepository, type EventPage } from './events.repository.js';

/** Retention runs this often, so each run deletes a small batch. */
const PRUNE_EVERY_MS = 10 * 60_000;

export interface EventList {
  ok: true;
  count: number;
  events: EventEnvelope[];
  next_after: string | null;
}

/**
 * The event log: each event is stored, and only then announced on `stored$` to in-process
 * subscribers (streams, MCP waits), so it is durable before anyone hears of it. Events recorded in
 * one synchronous stretch (a burst from the port) are stored together, in one transaction at the end
 * of it (a microtask: before any I/O or timer runs), with what must commit with them (webhook
 * deliveries, see writeAlongside); every read stores what is waiting first, so a read never misses
 * an event recorded before it.
 */
@Injectable()
export class EventsService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Events');
  private readonly announced = new Subject<EventEnvelope>();
  /** Every stored event, in id order, announced synchronously right after it was stored. */
  readonly stored$: Observable<EventEnvelope> = this.announced.asObservable();
  private ids: EventIds | null = null;
  /** Recorded, not stored yet (until the end of the current synchronous stretch). */
  private pending: EventEnvelope[] = [];
  private readonly writers = new Set<(events: readonly EventEnvelope[]) => void>();
  private pruner: NodeJS.Timeout | null = null;
  /** Replaceable in tests. */
  now: () => number = Date.now;

  constructor(
    private readonly config: AppConfig,
    private readonly events: EventsRepository,
  ) {}

  onApplicationBootstrap(): void {
    this.prune();
    this.pruner = setInterval(() => this.prune(), PRUNE_EVERY_MS).unref();
  }

  beforeApplicationShutdown(): void {
    if (this.pruner) clearInterval(this.pruner);
  }

  record(session: string, type: EventType, at: Date, data: Record<string, unknown>): EventEnvelope {
    this.ids ??= new EventIds(this.events.lastId());
    const event: EventEnvelope = { id: this.ids.create(this.now()), type, session, timestamp: at.toISOString(), data };
    if (this.pending.push(event) === 1) queueMicrotask(() => this.flush());
    return event;
  }

  /**
   * `write` runs inside the transaction that stores each batch of events: what it writes commits
   * with them or not at all. It must not throw (a throw loses the batch). Returns the way to stop.
   */
  writeAlongside(write: (events: readonly EventEnvelope[]) => void): () => void {
    this.writers.add(write);
    return () => this.writers.delete(write);
  }

  /**
   * Stores what was recorded and not stored yet, then announces it. A batch that fails is tried again
   * one event at a time, so one event that cannot be stored does not take the others of its burst along.
   */
  flush(): void {
    if (this.pending.length === 0) return;
    const events = this.pending;
    this.pending = [];
    if (this.store(events, events.length === 1)) return;
    for (const event of events) this.store([event], true);
  }

  /** One transaction; false when it failed (logged only when `last`: no other try follows). */
  private store(events: readonly EventEnvelope[], last: boolean): boolean {
    try {
      this.events.appendAll(events, () => {
        for (const write of this.writers) write(events);
      });
    } catch (error) {
      // Named by type and session only: message bodies must never reach the logs.
      if (last) {
        for (const event of events)
          this.logger.error(`Could not store a ${event.type} event of session ${event.session}: ${describeError(error)}`);
      }
      return false;
    }
    for (const event of events) this.announced.next(event);
    return true;
  }

  list(page: EventPage): EventList {
    this.flush();
    const events = this.events.list(page);
    return { ok: true, count: events.length, events, next_after: events.at(-1)?.id ?? page.after };
  }

  /** The newest stored event's id (a cursor meaning "from now"), or null when there is none. */
  latestId(): string | null {
    this.flush();
    return this.events.lastId();
  }

  /** Deletes what is older than the retention; returns how many events went. */
  /**
   * A deleted session's events go with its stored messages (`/api/sessions/{name}/events` of a new
   * session of that name starts empty). Its `session.status` events of the deletion itself are among them.
   */
  @OnEvent(WhatsAppTopic.removed)
  onRemoved({ session }: WhatsAppEventPayloads['whatsapp.session.removed']): void {
    this.flush();
    this.events.deleteSession(session);
  }

  prune(): number {
    this.flush();
    const cutoff = this.now() - this.config.eventRetentionHours * 3_600_000;
    try {
      const deleted = this.events.deleteBefore(`evt_${encodeTime(Math.max(cutoff, 0))}${'0'.repeat(16)}`);
      if (deleted > 0) this.logger.log(`Deleted ${deleted} events older than ${this.config.eventRetentionHours} h`);
      return deleted;
    } catch (error) {
      this.logger.error(`Could not delete old events: ${describeError(error)}`);
      return 0;
    }
  }
}
