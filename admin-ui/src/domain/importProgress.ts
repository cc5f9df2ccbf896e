/**
 * How far an import has come, in figures the operator reads: percent done, the time left at the
 * current rate, durations in words. Plain functions of what `import(id)` answers.
 */
import type { ImportStatus } from "@/gql/graphql";
import type { Translate } from "@/i18n";

/** Statuses an import never leaves. */
export const FINISHED_STATUSES: readonly ImportStatus[] = ["COMPLETED", "COMPLETED_WITH_ERRORS", "FAILED", "CANCELLED"];
export const IMPORT_STATUSES: readonly ImportStatus[] = ["PENDING", "RUNNING", "CANCELLING", "COMPLETED", "COMPLETED_WITH_ERRORS", "FAILED", "CANCELLED"];

export function isFinished(status: ImportStatus): boolean {
  return FINISHED_STATUSES.includes(status);
}

/** Still queued or running (cancelling included): worth following. */
export function isActive(status: ImportStatus): boolean {
  return !isFinished(status);
}

/** Whether an operator may still stop it (a cancellation already asked for is not asked twice). */
export function isCancellable(status: ImportStatus): boolean {
  return status === "PENDING" || status === "RUNNING";
}

/**
 * `progress` (0..1) as a whole percent, never 100 before the import has completed, so a bar that
 * shows full means done.
 */
export function percentDone(progress: number, status: ImportStatus): number {
  if (status === "COMPLETED" || status === "COMPLETED_WITH_ERRORS") return 100;
  if (!Number.isFinite(progress) || progress <= 0) return 0;
  return Math.min(99, Math.floor(progress * 100));
}

export interface RateFigures {
  totalRows: number;
  rowsDone: number;
  rowsPerSecond: number;
}

/**
 * Seconds left at the current rate: the rows still to do over rows per second. Null when it
 * cannot be told yet: no rate, or the total unknown until the file has been read.
 */
export function etaSeconds({ totalRows, rowsDone, rowsPerSecond }: RateFigures): number | null {
  if (!(totalRows > 0) || !(rowsPerSecond > 0) || !Number.isFinite(rowsPerSecond)) return null;
  const remaining = Math.max(0, totalRows - Math.max(0, rowsDone));
  return remaining / rowsPerSecond;
}

/** Whole seconds as words: 45秒 · 1分20秒 · 2時間5分 (ja); 45 s · 1 min 20 s · 2 h 5 min (en). */
export function formatDuration(seconds: number, t: Translate): string {
  if (!Number.isFinite(seconds) || seconds < 0) return t("import.eta.unknown");
  const whole = Math.round(seconds);
  if (whole < 60) return t("import.duration.s", { s: whole });
  if (whole < 3600) {
    const m = Math.floor(whole / 60);
    const s = whole % 60;
    return s === 0 ? t("import.duration.m", { m }) : t("import.duration.ms", { m, s });
  }
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  return m === 0 ? t("import.duration.h", { h }) : t("import.duration.hm", { h, m });
}

/** The time left in words: 約1分20秒 · about 1 min 20 s; "unknown" when it cannot be told. */
export function formatEta(seconds: number | null, t: Translate): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return t("import.eta.unknown");
  if (seconds < 1) return t("import.eta.soon");
  return t("import.eta.about", { duration: formatDuration(Math.max(1, seconds), t) });
}

/** A file size for people: 532 B, 12.4 KB, 3.1 MB (powers of 1024, as file managers show). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return "?";
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KB", "MB", "GB"] as const;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** What one poll of a running import showed, and when. */
export interface ProgressSample {
  /** Milliseconds (Date.now()). */
  at: number;
  phase: string | null;
  rowsDone: number;
}

/** How many recent polls the observed rate averages over (about five seconds at one poll a second). */
export const RATE_WINDOW = 6;

/**
 * Rows per second in the current phase, as the polls saw them: the rows done between the oldest
 * and the newest of the last samples of the same phase, over the time between them. Null until
 * two polls of one phase are in. The service's own `rowsPerSecond` averages since the start,
 * file reading included, so it understates the writing rate and overstates the time left.
 */
export function observedRate(samples: readonly ProgressSample[]): number | null {
  const last = samples[samples.length - 1];
  if (!last) return null;
  let first = last;
  for (let i = samples.length - 2, taken = 1; i >= 0 && taken < RATE_WINDOW; i--, taken++) {
    const s = samples[i]!;
    if (s.phase !== last.phase || s.rowsDone > last.rowsDone) break;
    first = s;
  }
  const seconds = (last.at - first.at) / 1000;
  if (first === last || seconds <= 0) return null;
  return (last.rowsDone - first.rowsDone) / seconds;
}

/**
 * Seconds left for a running import: only while it writes orders (the last phase), from the rows
 * still to write at the observed rate; null while the file is still being read (how long writing
 * will take is not known yet) or before a rate is observed.
 */
export function writingEtaSeconds(job: { phase?: string | null; totalRows: number; rowsDone: number }, rate: number | null): number | null {
  if (job.phase !== "writing" || rate === null) return null;
  if (rate <= 0) return job.rowsDone >= job.totalRows ? 0 : null;
  return etaSeconds({ totalRows: job.totalRows, rowsDone: job.rowsDone, rowsPerSecond: rate });
}
