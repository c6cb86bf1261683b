import { readFileSync } from 'node:fs';

export interface ProcStat {
  /** One letter: R running, S sleeping, Z zombie (exited, not yet reaped), ... */
  state: string;
  ppid: number;
  /** Process group id. */
  pgrp: number;
}

/**
 * The fields we use from Linux's /proc/<pid>/stat, or null when the process is gone or there is
 * no /proc (other systems). The command name (field 2) may hold spaces and parentheses, so the
 * fields are read after its last ')'.
 */
export function readProcStat(pid: number | string): ProcStat | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [state, ppid, pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state, ppid: Number(ppid), pgrp: Number(pgrp) };
  } catch {
    return null;
  }
}
