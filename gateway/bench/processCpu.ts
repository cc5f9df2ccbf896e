/** CPU time of running processes, read from /proc (Linux): what one request costs each process. */
import { execFileSync } from "node:child_process";
import fs from "node:fs";

/** Clock ticks per second of /proc's CPU times (`getconf CLK_TCK`, 100 on Linux almost always). */
const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * User + system CPU of process `pid` so far, in ms (0 once it is gone); with `reaped`, also that of
 * its children that have exited (PostgreSQL's postmaster collects its ended backends' time).
 */
export function cpuMs(pid: number, reaped = false): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]) + (reaped ? Number(fields[13]) + Number(fields[14]) : 0);
    return (ticks * 1000) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** The processes whose parent is `pid` (nginx's workers, PostgreSQL's backends). */
export function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid) out.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return out;
}

/** A group of processes measured together: its CPU so far in ms (a replica; nginx with its workers; PostgreSQL with its backends). */
export type CpuGroups = Record<string, () => number>;

/** CPU ms of process `pid` and its live children, plus the children it has reaped. */
export function treeCpuMs(pid: number): number {
  return cpuMs(pid, true) + childrenOf(pid).reduce((sum, child) => sum + cpuMs(child), 0);
}

/** CPU ms of each group so far. */
export function readCpu(groups: CpuGroups): Record<string, number> {
  return Object.fromEntries(Object.entries(groups).map(([name, read]) => [name, read()]));
}
