/**
 * Keeps the stack's processes running: a process that exits without being asked to (a crash, an
 * out-of-memory abort, a `kill -9`) is started again on the same port after an exponential
 * backoff, while the others keep serving. Used by `npm start`, and by `launchStack()` when asked.
 */
import type { ProcessName, ServiceProcess } from "./serviceProcess.js";

export interface SupervisionOptions {
  /** The wait before the first restart; each further crash in a row doubles it. Default 250 ms. */
  baseDelayMs?: number;
  /** The longest wait between restarts. Default 10 s. */
  maxDelayMs?: number;
  /** A process that stayed up this long has recovered: its next crash waits `baseDelayMs` again. Default 60 s. */
  stableAfterMs?: number;
  /** Told everything the supervisor sees and does (the launcher logs it; tests record it). */
  onEvent?: (event: SupervisionEvent) => void;
}

export type SupervisionEvent =
  /** `name` exited unasked after `uptimeMs`; `stderr` is what it wrote last. */
  | { type: "died"; name: ProcessName; code: number | null; signal: NodeJS.Signals | null; uptimeMs: number; stderr: string[] }
  /** `name` will be started in `delayMs`, the `attempt`th restart since it last ran for `stableAfterMs`. */
  | { type: "restarting"; name: ProcessName; attempt: number; delayMs: number }
  /** Starting `name` again failed; another try follows. */
  | { type: "restartFailed"; name: ProcessName; attempt: number; error: string }
  /** `name` listens again at `url`, `downMs` after it died. */
  | { type: "back"; name: ProcessName; url: string; attempt: number; downMs: number };

/** The wait before restart number `attempt` (1, 2, …): `baseMs` doubling, at most `maxMs`. */
export function restartDelay(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(attempt - 1, 30)));
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;

/** One line (or a few, for a death with stderr) saying what happened, for the launcher's terminal. */
export function describeSupervisionEvent(event: SupervisionEvent): string {
  switch (event.type) {
    case "died": {
      const how = event.signal ? `killed by ${event.signal}` : `exited with code ${event.code}`;
      const tail = event.stderr.length ? `; its last stderr lines:\n${event.stderr.map((l) => `    | ${l}`).join("\n")}` : "; it wrote nothing to stderr";
      return `${event.name} died (${how}) after ${seconds(event.uptimeMs)} up${tail}`;
    }
    case "restarting":
      return `restarting ${event.name} in ${seconds(event.delayMs)} (restart ${event.attempt})`;
    case "restartFailed":
      return `${event.name} did not start again (restart ${event.attempt}): ${event.error.split("\n")[0]}`;
    case "back":
      return `${event.name} is back at ${event.url}, ${seconds(event.downMs)} after it died (restart ${event.attempt})`;
  }
}

interface Watch {
  /** Restarts since the process last stayed up `stableAfterMs`. */
  attempt: number;
  /** When the current outage began. */
  downSince: number;
  timer?: NodeJS.Timeout;
  /** A start in flight. */
  starting?: Promise<void>;
}

/**
 * Watches the processes in `processes` (kept current: a restarted process replaces its entry) and
 * starts a dead one again with `start`. `stop()` on a process is deliberate and not undone;
 * `restart()` here is the deliberate way back.
 */
export class Supervisor {
  private closed = false;
  private readonly watches = new Map<ProcessName, Watch>();
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly stableAfterMs: number;

  constructor(
    private readonly processes: Record<ProcessName, ServiceProcess>,
    private readonly start: (name: ProcessName) => Promise<ServiceProcess>,
    private readonly options: SupervisionOptions = {},
  ) {
    this.baseDelayMs = options.baseDelayMs ?? 250;
    this.maxDelayMs = options.maxDelayMs ?? 10_000;
    this.stableAfterMs = options.stableAfterMs ?? 60_000;
    for (const p of Object.values(processes)) this.watch(p);
  }

  /** Stops `name` (or cancels its pending restart) and starts it again now. */
  async restart(name: ProcessName): Promise<ServiceProcess> {
    const w = this.state(name);
    clearTimeout(w.timer);
    w.timer = undefined;
    await w.starting;
    await this.processes[name].stop();
    const p = await this.start(name);
    this.processes[name] = p;
    w.attempt = 0;
    if (this.closed) await p.stop();
    else this.watch(p);
    return p;
  }

  /** No more restarts from now on; resolves once a start in flight has finished. */
  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.watches.values()) {
      clearTimeout(w.timer);
      w.timer = undefined;
    }
    await Promise.all([...this.watches.values()].map((w) => w.starting));
  }

  private state(name: ProcessName): Watch {
    let w = this.watches.get(name);
    if (!w) this.watches.set(name, (w = { attempt: 0, downSince: 0 }));
    return w;
  }

  private emit(event: SupervisionEvent): void {
    try {
      this.options.onEvent?.(event);
    } catch {
      // A listener that throws must not stop the supervision it listens to.
    }
  }

  private watch(p: ServiceProcess): void {
    void p.exited.then(({ code, signal }) => {
      // Deliberate (stop(), the stack stopping) or already replaced: nothing to do.
      if (this.closed || p.stopping || this.processes[p.name] !== p) return;
      const w = this.state(p.name);
      const now = Date.now();
      const uptimeMs = now - p.readyAt;
      if (uptimeMs >= this.stableAfterMs) w.attempt = 0;
      w.downSince = now;
      this.emit({ type: "died", name: p.name, code, signal, uptimeMs, stderr: p.stderrTail() });
      this.schedule(p.name);
    });
  }

  private schedule(name: ProcessName): void {
    if (this.closed) return;
    const w = this.state(name);
    w.attempt += 1;
    const attempt = w.attempt;
    const delayMs = restartDelay(attempt, this.baseDelayMs, this.maxDelayMs);
    this.emit({ type: "restarting", name, attempt, delayMs });
    w.timer = setTimeout(() => {
      w.timer = undefined;
      w.starting = this.start(name).then(
        (p) => {
          this.processes[name] = p;
          if (this.closed) return p.stop();
          this.watch(p);
          this.emit({ type: "back", name, url: p.url, attempt, downMs: Date.now() - w.downSince });
        },
        (err: unknown) => {
          this.emit({ type: "restartFailed", name, attempt, error: err instanceof Error ? err.message : String(err) });
          this.schedule(name);
        },
      ).finally(() => {
        w.starting = undefined;
      });
    }, delayMs);
  }
}
