import type { OutboxRecord, OutboxState } from './outbox-item.js';

export type OutboxChange = Partial<Pick<OutboxRecord, 'state' | 'messageId' | 'error' | 'attempts' | 'notBefore'>> & { updatedAt: number };

/** Where items are kept; a second backend is a second implementation. */
export abstract class OutboxRepository {
  abstract insert(record: OutboxRecord): void;
  abstract get(session: string, id: string): OutboxRecord | undefined;
  /** Newest first; every state when `state` is undefined. */
  abstract list(session: string, state: OutboxState | undefined, limit: number): OutboxRecord[];
  /** Recipients with at least one `queued` item, the one whose oldest item is oldest first. */
  abstract queuedRecipients(session: string): string[];
  /** The oldest `queued` item for `to`: its order is the order of acceptance. */
  abstract nextQueued(session: string, to: string): OutboxRecord | undefined;
  /** Applies `change` only when the item is still in state `from` (so a cancel and a send cannot both win). */
  abstract update(session: string, id: string, from: OutboxState, change: OutboxChange): OutboxRecord | undefined;
  /** Every `sending` item becomes `unknown` (at boot: the process died while they were sent); returns them. */
  abstract markInterrupted(session: string, now: number): OutboxRecord[];
  abstract countByState(session: string): Record<OutboxState, number>;
  /** The sessions that have items. */
  abstract sessions(): string[];
  /** The session was deleted: its items go. */
  abstract deleteSession(session: string): void;
}
