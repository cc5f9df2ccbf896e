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
