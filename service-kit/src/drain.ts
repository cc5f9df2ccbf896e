/**
 * Draining a replica on purpose (SIGTERM): it stops being ready, lets in-flight work reach a safe
 * point within DRAIN_TIMEOUT_MS, gives back the work it claimed, and exits. The pieces every
 * service shares: the drain's deadline, bounded readiness checks and the signal handler.
 */
import type { Logger } from "./logger.js";

/** DRAIN_TIMEOUT_MS's default: long enough for a download or an import chunk in flight. */
export const DEFAULT_DRAIN_TIMEOUT_MS = 20_000;

/** The end of a drain: work still running at `at` is cut short (`signal` aborts then). */
export interface DrainDeadline {
  /** Milliseconds since the epoch. */
  at: number;
  /** Aborts at `at`. */
  signal: AbortSignal;
}

/** How long a draining server keeps accepting connections (DRAIN_NOTICE_MS), and how long it then drains them (DRAIN_TIMEOUT_MS). */
export interface DrainTiming {
  noticeMs?: number;
  timeoutMs?: number;
}

/**
 * The HTTP part of a drain: the notice period (still accepting, `/ready` already 503), then
 * `closeAndDrain` (refuse new connections, finish in-flight requests).
 */
export async function drainHttp(noticeMs: number, closeAndDrain: () => Promise<void>, logger: Logger): Promise<void> {
  if (noticeMs > 0) await new Promise((resolve) => setTimeout(resolve, noticeMs));
  logger.info("refusing new connections; in-flight requests finish", {});
  await closeAndDrain();
  logger.info("in-flight requests finished");
}

/** A deadline `timeoutMs` from now. */
export function drainDeadline(timeoutMs: number): DrainDeadline {
  return { at: Date.now() + timeoutMs, signal: AbortSignal.timeout(timeoutMs) };
}

/** Resolves when `promise` settles or `deadline` passes, whichever comes first; true when `promise` won. */
export function settledBefore(promise: Promise<unknown>, deadline: DrainDeadline): Promise<boolean> {
  if (deadline.signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => resolve(false);
    deadline.signal.addEventListener("abort", onAbort, { once: true });
    void promise.then(
      () => true,
      () => true,
    ).then((won) => {
      deadline.signal.removeEventListener("abort", onAbort);
      resolve(won);
    });
  });
}

/**
 * Wraps a readiness check so that it answers within `timeoutMs` whatever the database does (an
 * unreachable host can leave a connection attempt hanging for its whole connect timeout), and
 * runs at most once at a time: probes arriving while one runs share it, so a load balancer
 * probing an unreachable database never piles up connection attempts.
 */
export function boundedCheck(check: () => Promise<void>, timeoutMs: number, what = "the database"): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => {
    running ??= check().finally(() => {
      running = undefined;
    });
    const shared = running;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${what} did not answer within ${timeoutMs} ms`)), timeoutMs);
      shared.then(resolve, reject).finally(() => clearTimeout(timer));
    });
  };
}

/** What closing the pools may take after the drain's deadline, before the process gives up on them. */
const CLOSE_MARGIN_MS = 10_000;

/**
 * Stops the process's service on SIGTERM and SIGINT (a second signal is ignored while it drains)
 * and exits 0 once `stop` has drained (within `drainMs`: notice period and drain timeout) and
 * closed the pools; should it hang 10 s past that, the process exits 1 anyway.
 */
export function stopOnSignals(stop: () => Promise<void>, logger: Logger, drainMs: number): void {
  const hardLimitMs = drainMs + CLOSE_MARGIN_MS;
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info("stopping", { signal });
    const hard = setTimeout(() => {
      logger.error("drain did not finish in time; exiting", { afterMs: hardLimitMs });
      process.exit(1);
    }, hardLimitMs);
    hard.unref();
    stop().then(
      () => {
        logger.info("stopped");
        process.exit(0);
      },
      (err: unknown) => {
        logger.error("stop failed", { error: err instanceof Error ? err.message : String(err) });
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
}
