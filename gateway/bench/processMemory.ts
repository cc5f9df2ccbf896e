/** Memory figures of a running process, read from /proc (Linux). */
import fs from "node:fs";

/** Peak resident memory of process `pid` so far (VmHWM), in MB; 0 when it cannot be read. */
export function peakRssMb(pid: number): number {
  try {
    const line = fs.readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) => l.startsWith("VmHWM:"));
    return Number(line?.replace(/\D+/g, "") ?? 0) / 1024;
  } catch {
    return 0;
  }
}

/** Resident memory of process `pid` now (VmRSS), in MB; 0 when it cannot be read. */
export function currentRssMb(pid: number): number {
  try {
    const line = fs.readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) => l.startsWith("VmRSS:"));
    return Number(line?.replace(/\D+/g, "") ?? 0) / 1024;
  } catch {
    return 0;
  }
}

/**
 * Starts the peak (VmHWM) of process `pid` again from its current size, so a later step's peak
 * is measured alone (Linux: `5` to /proc/<pid>/clear_refs). False when that is not possible.
 */
export function resetPeakRss(pid: number): boolean {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}
