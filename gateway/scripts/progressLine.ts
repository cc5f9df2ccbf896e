/**
 * Progress on a terminal: one line redrawn in place (a bar, counts, rate, ETA) when the stream is
 * a TTY; otherwise one plain line each time the stage changes, so logs stay readable.
 */

const FULL = "█";
const EMPTY = "░";

/** A bar of `width` cells for a fraction 0..1. */
export function bar(fraction: number, width = 24): string {
  const filled = Math.round(Math.max(0, Math.min(1, fraction)) * width);
  return `▕${FULL.repeat(filled)}${EMPTY.repeat(width - filled)}▏`;
}

/** 1234567 → "1,234,567". */
export function count(n: number): string {
  return Math.round(n).toLocaleString("en");
}

/** Bytes as B, KB, MB or GB (powers of 1024). */
export function bytes(n: number): string {
  const units = ["B", "KB", "MB", "GB"];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${n} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** Seconds as "4.2 s", "1 min 05 s" or "1 h 02 min". */
export function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const s = Math.round(seconds);
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")} min`;
}

/** The remaining time from the fraction done and the time spent, or "?" until it can be told. */
export function eta(fraction: number, elapsedSeconds: number): string {
  if (fraction <= 0.01 || elapsedSeconds <= 0) return "?";
  if (fraction >= 1) return "0 s";
  return duration((elapsedSeconds * (1 - fraction)) / fraction);
}

export class ProgressLine {
  private stage: string | null = null;
  private drawn = false;
  private drawnAt = 0;
  private skipped: string | null = null;
  /** While true (a question is being asked), nothing is drawn. */
  paused = false;

  constructor(
    private readonly out: NodeJS.WriteStream,
    readonly tty: boolean = out.isTTY === true,
  ) {}

  /** Shows `text`: redrawn in place on a TTY; elsewhere printed (as `plain`) once per `stage`. */
  update(stage: string, text: string, plain: string = text): void {
    if (this.paused) return;
    if (this.tty) {
      // At most about ten redraws a second (an upload reports every 256 KB); the last one is kept for finish().
      const now = Date.now();
      if (stage === this.stage && now - this.drawnAt < 100) {
        this.skipped = text;
        return;
      }
      this.drawnAt = now;
      this.draw(text);
    } else if (stage !== this.stage) {
      this.out.write(`${plain}\n`);
    }
    this.stage = stage;
  }

  /** Ends the line being redrawn (with its latest state), so what follows starts on a line of its own. */
  finish(): void {
    if (this.tty && this.skipped !== null) this.draw(this.skipped);
    if (this.tty && this.drawn) this.out.write("\n");
    this.drawn = false;
    this.stage = null;
  }

  private draw(text: string): void {
    const width = this.out.columns ? this.out.columns - 1 : 120;
    this.out.write(`\r\x1b[2K${text.length > width ? text.slice(0, width) : text}`);
    this.drawn = true;
    this.skipped = null;
  }
}
