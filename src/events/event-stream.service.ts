import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import type { Response } from 'express';
import { Subject, type Subscription } from 'rxjs';
import { invalidInput } from '../common/app-error.js';
import { AppConfig } from '../config/app-config.js';
import { type Grant, refusal, rightsNow } from '../security/access.js';
import { type KeysReloaded, SecurityTopic } from '../security/security-events.js';
import { EVENT_ID_PATTERN, type EventEnvelope, type EventType } from './event-envelope.js';
import { sseFrame, StreamClient, type StreamCloseReason } from './event-stream.client.js';
import { EventsService } from './events.service.js';

export const LAST_EVENT_ID_RULE = 'Last-Event-ID must be an event id (evt_ followed by 26 characters of a ULID)';

/**
 * The SSE clients of GET /api/events/stream. Live events reach them in a batch on the next turn
 * of the event loop: the listener that stores an event only appends it to a list, so the number
 * of streams never slows storing (nor the send that caused the event). A stream is authorised when it
 * opens, and again after each keys reload: one whose key no longer has `read` on its session ends.
 */
@Injectable()
export class EventStreamService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('EventStream');
  /** Each open client with the rights it was opened with and the session it streams. */
  private readonly clients = new Map<StreamClient, { grant: Grant; session: string }>();
  private batch: EventEnvelope[] = [];
  private subscription: Subscription | null = null;
  /** Each closed stream with why (for metrics and tests). */
  readonly closed$ = new Subject<StreamCloseReason>();

  constructor(
    private readonly config: AppConfig,
    private readonly events: EventsService,
  ) {}

  get size(): number {
    return this.clients.size;
  }

  onApplicationBootstrap(): void {
    this.subscription = this.events.stored$.subscribe((event) => {
      if (this.clients.size === 0) return;
      if (this.batch.push(event) === 1) setImmediate(() => this.flush());
    });
  }

  beforeApplicationShutdown(): void {
    this.subscription?.unsubscribe();
    for (const client of [...this.clients.keys()]) client.close('shutdown');
  }

  @OnEvent(SecurityTopic.keysReloaded)
  revoke({ keys }: KeysReloaded): void {
    const revoked = [...this.clients].filter(([, { grant, session }]) => {
      const now = rightsNow(grant, keys);
      return now === null || refusal(now, 'read', session) !== null;
    });
    for (const [client] of revoked) client.close('revoked');
    if (revoked.length > 0) {
      this.logger.log(`Closed ${revoked.length} event stream(s) whose key lost "read" on its session or was removed by the keys reload`);
    }
  }

  /** `lastEventId` (a reconnecting EventSource's header) wins over `after`. */
  open(
    res: Response,
    filter: { after: string | null; types: EventType[] },
    lastEventId: string | undefined,
    session: string,
    grant: Grant,
  ): void {
    const resumeFrom = lastEventId?.trim() || null;
    if (resumeFrom !== null && !EVENT_ID_PATTERN.test(resumeFrom)) throw invalidInput(LAST_EVENT_ID_RULE);
    const client = new StreamClient(res, {
      after: resumeFrom ?? filter.after,
      types: filter.types,
      session,
      keepAliveMs: this.config.eventStreamKeepAliveMs,
      read: (page) => this.events.list(page).events,
      onClose: (reason, closed) => {
        this.clients.delete(closed);
        if (reason === 'dropped') this.logger.warn(`Dropped an event stream client that does not read (${this.clients.size} left)`);
        this.closed$.next(reason);
      },
    });
    this.clients.set(client, { grant, session });
    client.start();
  }

  private flush(): void {
    const events = this.batch;
    this.batch = [];
    for (const event of events) {
      const frame = sseFrame(event);
      for (const client of this.clients.keys()) client.deliver(event, frame);
    }
  }
}
