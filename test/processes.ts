import { readdirSync, readFileSync } from 'node:fs';
import { readProcStat } from '../src/common/proc-stat.js';

/*
 * Finding the Chromes of a test: by their command line, which names the auth dir (the profile).
 * No Jest globals here, so the benchmark can use it too.
 */

/** Pids of the live processes whose command line mentions `marker` (e.g. a test's own auth dir). */
export function processesMentioning(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readProcStat(entry)?.state === 'Z') continue; // exited; only its parent's bookkeeping is left
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(marker)) pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

/**
 * Waits until no process mentions `marker`, up to `timeoutMs`; returns the ones left. Other
 * processes' exits cannot be awaited as events, so this looks every 50 ms.
 */
export async function waitForNoProcesses(marker: string, timeoutMs = 10_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = processesMentioning(marker);
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
