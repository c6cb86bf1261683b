import { decodeTime, monotonicFactory } from 'ulid';

/**
 * Monotonic `evt_<ULID>` ids: within a millisecond the random part counts up, and ids never go
 * back below the last stored one, also when the wall clock does (after a restart or an NTP step).
 */
export class EventIds {
  private readonly next = monotonicFactory();
  private floor: number;

  /** `lastId`: the newest id already stored, if any. */
  constructor(lastId: string | null) {
    this.floor = lastId ? decodeTime(lastId.slice(4)) + 1 : 0;
  }

  create(now: number): string {
    this.floor = Math.max(this.floor, now);
    return `evt_${this.next(this.floor)}`;
  }
}
