import { Injectable } from '@nestjs/common';

export type TimerHandle = { readonly __timer: unique symbol };

/**
 * Time as the session sees it: "now" and timers. Bound to the system clock in production; tests
 * bind a clock they advance themselves, so backoff and watchdog timing is asserted, not slept on.
 */
export abstract class Clock {
  abstract now(): number;
  abstract setTimeout(callback: () => void, ms: number): TimerHandle;
  abstract clearTimeout(timer: TimerHandle): void;
}

/** Timers never keep the process alive: a pending restart must not delay an exit. */
@Injectable()
export class SystemClock extends Clock {
  now(): number {
    return Date.now();
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    return setTimeout(callback, ms).unref() as unknown as TimerHandle;
  }

  clearTimeout(timer: TimerHandle): void {
    clearTimeout(timer as unknown as NodeJS.Timeout);
  }
}
