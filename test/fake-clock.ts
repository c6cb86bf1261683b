import { Clock, type TimerHandle } from '../src/whatsapp/clock.js';

interface Timer {
  at: number;
  callback: () => void;
}

/** A clock that moves only when told: `advance(ms)` runs the timers that fall due, in order. */
export class FakeClock extends Clock {
  private time = Date.parse('2026-01-01T00:00:00Z');
  private readonly timers = new Set<Timer>();

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const timer: Timer = { at: this.time + ms, callback };
    this.timers.add(timer);
    return timer as unknown as TimerHandle;
  }

  clearTimeout(timer: TimerHandle): void {
    this.timers.delete(timer as unknown as Timer);
  }

  /** Timers waiting to fire. */
  get pending(): number {
    return this.timers.size;
  }

  advance(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      const due = [...this.timers].filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers.delete(due);
      this.time = due.at;
      due.callback();
    }
    this.time = until;
  }
}
