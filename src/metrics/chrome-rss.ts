import { readdirSync, readFileSync } from 'node:fs';
import { readProcStat } from '../common/proc-stat.js';

/**
 * Resident memory of a Chrome and its helpers: every process in its process group (puppeteer
 * starts Chrome as a group leader). Linux only (/proc); 0 elsewhere or when nothing runs.
 */
export function processGroupRssBytes(leader: number | null): number {
  if (!leader) return 0;
  let total = 0;
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return 0;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readProcStat(entry)?.pgrp !== leader) continue;
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${entry}/status`, 'utf8'));
      if (rss) total += Number(rss[1]) * 1024;
    } catch {
      // the process ended while we looked
    }
  }
  return total;
}
