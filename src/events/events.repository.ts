import type { EventEnvelope, EventType } from './event-envelope.js';

export interface EventPage {
  /** Only events with a greater id (older ones are skipped); null: from the oldest. */
  after: string | null;
  /** Only these types; empty: every type. */
  types: readonly EventType[];
  limit: number;
  /** Only this session's events; absent: every session's. */
  session?: string;
}

/** The stored events (the DI token; SQLite today, another backend is another implementation). */
export abstract class EventsRepository {
  abstract append(event: EventEnvelope): void;
  /**
   * Stores a batch, then runs `alongside` (writes that must commit with it); a database
   * implementation does both in one transaction, so a batch costs one commit.
   */
  appendAll(events: readonly EventEnvelope[], alongside: () => void): void {
    for (const event of events) this.append(event);
    alongside();
  }
  /** Oldest first. */
  abstract list(page: EventPage): EventEnvelope[];
  /** The newest stored id, or null when there is none. */
  abstract lastId(): string | null;
  /** Deletes the events with an id below `id` (ids sort by time); returns how many. */
  abstract deleteBefore(id: string): number;
  /** Deletes a deleted session's events (they hold its messages). */
  abstract deleteSession(session: string): void;
}
