import { Injectable } from '@nestjs/common';
import { filter, take } from 'rxjs';
import { Clock } from '../whatsapp/clock.js';
import type { EventEnvelope } from './event-envelope.js';
import { EventsService, type EventList } from './events.service.js';

/**
 * "From the start" as a cursor: what "from now" is when the log is empty, so that passing the
 * answer's `next_after` back never means "from now" again (which would skip what came in between).
 */
const FIRST_CURSOR = `evt_${'0'.repeat(26)}`;
/** How many stored events one read looks at while skipping other chats' messages. */
const SCAN_BATCH = 100;

/** The answer of a wait: the events list, whose `next_after` is always a cursor. */
export type MessagePage = EventList & { next_after: string };

export interface MessageWait {
  /** Only this chat's messages; null: every chat. */
  chatId: string | null;
  /** The session (account) whose messages are waited for. */
  session: string;
  /** Only messages after this event id; null: from the newest event at the call ("from now"); never null in the answer. */
  after: string | null;
  timeoutMs: number;
  limit: number;
}

/**
 * Long-polls the event log for incoming messages (`message.received`): answers at once when there
 * are some after the cursor, else as soon as one is stored (heard on `stored$`, no polling), else
 * empty when the time is up or the caller gave up. `next_after` always moves past what was looked
 * at, so other chats' messages are not looked at again.
 */
@Injectable()
export class MessageWaits {
  private open = 0;

  constructor(
    private readonly events: EventsService,
    private readonly clock: Clock,
  ) {}

  /** Waits in progress now. */
  get size(): number {
    return this.open;
  }

  async wait({ chatId, session, after, timeoutMs, limit }: MessageWait, signal?: AbortSignal): Promise<MessagePage> {
    const wanted = (event: EventEnvelope) =>
      event.type === 'message.received' && event.session === session && (chatId === null || event.data.chat_id === chatId);
    // Read and subscribed in one synchronous stretch: an event stored in between cannot be missed.
    const first = this.read(after ?? this.events.latestId() ?? FIRST_CURSOR, wanted, limit);
    if (first.count > 0 || timeoutMs === 0 || signal?.aborted) return first;
    await this.arrival(wanted, timeoutMs, signal);
    return this.read(first.next_after, wanted, limit);
  }

  private read(after: string, wanted: (event: EventEnvelope) => boolean, limit: number): MessagePage {
    const found: EventEnvelope[] = [];
    let cursor: string = after;
    for (;;) {
      const batch = this.events.list({ after: cursor, types: ['message.received'], limit: SCAN_BATCH }).events;
      for (const event of batch) {
        cursor = event.id;
        if (wanted(event) && found.push(event) === limit) return { ok: true, count: found.length, events: found, next_after: cursor };
      }
      if (batch.length < SCAN_BATCH) return { ok: true, count: found.length, events: found, next_after: cursor };
    }
  }

  private arrival(wanted: (event: EventEnvelope) => boolean, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      this.open++;
      let finished = false;
      const finish = () => {
        if (finished) return;
        finished = true;
        subscription.unsubscribe();
        this.clock.clearTimeout(timer);
        signal?.removeEventListener('abort', finish);
        this.open--;
        resolve();
      };
      const subscription = this.events.stored$.pipe(filter(wanted), take(1)).subscribe(finish);
      const timer = this.clock.setTimeout(finish, timeoutMs);
      signal?.addEventListener('abort', finish, { once: true });
    });
  }
}
