import { readdirSync, readFileSync } from 'node:fs';

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
      // Fields after the command (which may contain spaces) start after the last ')': state, ppid, pgrp.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const pgrp = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
      if (pgrp !== leader) continue;
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${entry}/status`, 'utf8'));
      if (rss) total += Number(rss[1]) * 1024;
    } catch {
      // the process ended while we looked
    }
  }
  return total;
}
