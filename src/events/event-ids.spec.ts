import { decodeTime } from 'ulid';
import { EVENT_ID_PATTERN } from './event-envelope.js';
import { EventIds } from './event-ids.js';

describe('EventIds', () => {
  it('counts up within one millisecond and carries the time', () => {
    const ids = new EventIds(null);
    const made = Array.from({ length: 1_000 }, () => ids.create(1_800_000_000_000));
    expect(made.every((id) => EVENT_ID_PATTERN.test(id))).toBe(true);
    expect([...made].sort()).toEqual(made);
    expect(new Set(made).size).toBe(made.length);
    expect(decodeTime(made[0].slice(4))).toBe(1_800_000_000_000);
  });

  it('never goes back when the clock does, nor below the last stored id', () => {
    const ids = new EventIds(null);
    const first = ids.create(1_800_000_000_000);
    const second = ids.create(1_700_000_000_000);
    expect(second > first).toBe(true);
    const afterRestart = new EventIds(second).create(1_600_000_000_000);
    expect(afterRestart > second).toBe(true);
  });
});
