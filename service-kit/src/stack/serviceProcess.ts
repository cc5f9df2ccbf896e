/**
 * Runs a service as a child process and learns its URL over IPC, so services can listen on
 * port 0 in tests. Used by `npm start`, the benchmarks and tests that stop or kill a service.
 */
import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import { REPO_ROOT } from "../config.js";
import { prepareStackDatabases } from "./stackDatabases.js";

export type ProcessName = "order" | "payment" | "notification" | "gateway";

export const ENTRY_POINTS: Record<ProcessName, string> = {
  order: "subgraphs/order/src/main.ts",
  payment: "subgraphs/payment/src/main.ts",
  notification: "subgraphs/notification/src/main.ts",
  gateway: "gateway/src/main.ts",
};

/** What a service sends its parent once it listens. */
export interface ListeningMessage {
  type: "listening";
  url: string;
}

/** How a process ended: its exit code, or the signal that killed it. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServiceProcess {
  name: ProcessName;
  child: ChildProcess;
  url: string;
  /** When it announced its URL (ms since the epoch). */
  readyAt: number;
  /** Resolves once the process has exited and its stderr is read to the end. */
  exited: Promise<ProcessExit>;
  /** True once `stop()` was called: its exit is deliberate, not a crash. */
  readonly stopping: boolean;
  /** The last lines it wrote to stderr (kept whether or not they are shown). */
  stderrTail(maxLines?: number): string[];
  /** Graceful stop (SIGTERM), then SIGKILL after `graceMs`. A supervisor leaves it stopped. */
  stop(graceMs?: number): Promise<void>;
  /** Immediate SIGKILL: a crash, which a supervisor restarts. */
  kill(): Promise<void>;
}

export interface StartOptions {
  timeoutMs?: number;
  /** Keep its stderr to this process (tests): read it through `stderrTail()` only. */
  silent?: boolean;
  /** Another entry point than the service's own (the launcher's tests run small fixtures). */
  entry?: string;
}

/**
 * V8's young generation per process (MB per semi-space). The gateway shapes every federated answer:
 * a larger one means fewer scavenges (about 10% less CPU at load). The order service runs the
 * import worker next to bulk writes of thousands of orders, and its size trades memory for speed
 * (`npm run bench:import`, 2 cores): order peak RSS through a 1M-row import 360 MB with V8's
 * default, 292–306 MB with 8, 285–295 with 6, ~260 with 4; the 100k-row import 4.4–4.6 s with 8
 * or 6, 4.7–5.1 s with 4 (target ≤ 5 s). 6 keeps both targets with some margin. The gateway's
 * went from 32 to 16 when a million-order shop under four concurrent dashboards and exports took
 * it to 282 MB (`npm run test:scale`): a young generation of up to 3 × 32 MB was most of it.
 */
const SEMI_SPACE_MB: Record<ProcessName, number> = { gateway: 16, order: 6, payment: 8, notification: 8 };

/**
 * V8's old generation per process (MB): capped so V8 collects before memory grows. The order
 * service's main thread streams everything it serves and leaves bulk work to the job worker (which
 * has its own 64 MB heap), so 80 MB holds it; with 128 its RSS passed 300 MB in `npm run
 * test:scale` (310 MB while a 300,000-order undo's events went out under load; 298–311 with 96 once
 * every service was on the data kit; 286–311 with 88 in three CI runs).
 */
const OLD_SPACE_MB: Record<ProcessName, number> = { gateway: 160, order: 80, payment: 128, notification: 128 };

/** How much of a process's stderr is kept for the report of its death. */
const STDERR_TAIL_CHARS = 8000;

/** Tells the parent (if any) where this service listens. Call from a service's main once it listens. */
export function announceListening(url: string): void {
  if (!process.send) return;
  process.send({ type: "listening", url } satisfies ListeningMessage);
  // A parent that dies (a crashed test runner, a killed `npm start`) takes its services with it.
  process.once("disconnect", () => process.kill(process.pid, "SIGTERM"));
}

/** Resolves with how `child` ended, once it has exited and its stdio streams are closed. */
function exitOf(child: ChildProcess): Promise<ProcessExit> {
  return new Promise((resolve) => {
    // "close" comes after "exit" once stderr is drained, so the tail holds the last words; but a
    // grandchild that inherited stderr (tsx's esbuild) can hold it open, so wait a second at most.
    child.once("close", (code: number | null, signal: NodeJS.Signals | null) => resolve({ code, signal }));
    child.once("exit", (code: number | null, signal: NodeJS.Signals | null) => {
      setTimeout(() => resolve({ code, signal }), 1000).unref();
    });
  });
}

function waitExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

/**
 * Starts `name` with `env` and resolves once it announces its URL (or rejects if it dies first).
 * The fresh PostgreSQL databases of an `isolatedStackEnv` are created first.
 */
export async function startServiceProcess(name: ProcessName, env: NodeJS.ProcessEnv, options: StartOptions = {}): Promise<ServiceProcess> {
  if (name !== "gateway") await prepareStackDatabases(env);
  return forkService(name, env, options);
}

function forkService(name: ProcessName, env: NodeJS.ProcessEnv, options: StartOptions): Promise<ServiceProcess> {
  const child = fork(options.entry ?? path.join(REPO_ROOT, ENTRY_POINTS[name]), [], {
    cwd: REPO_ROOT,
    // glibc gives every thread its own malloc arenas; the import worker and SQLite's threads made
    // the order service's memory ~40 MB larger at peak (1M-row import) without this.
    env: { MALLOC_ARENA_MAX: "2", ...env },
    // OPS_NODE_ARGS adds node flags to every service (e.g. --cpu-prof for profiling),
    // OPS_NODE_ARGS_<NAME> to one (OPS_NODE_ARGS_ORDER="--trace-gc").
    // Heap sizes: young generations per SEMI_SPACE_MB; the subgraphs' old generation capped so V8
    // collects before their memory grows.
    execArgv: ["--import", "tsx", `--max-semi-space-size=${SEMI_SPACE_MB[name]}`, `--max-old-space-size=${OLD_SPACE_MB[name]}`, ...`${env.OPS_NODE_ARGS ?? ""} ${env[`OPS_NODE_ARGS_${name.toUpperCase()}`] ?? ""}`.split(" ").filter(Boolean)],
    // stderr is always piped, so the launcher can say what a service wrote before it died.
    stdio: options.silent ? ["ignore", "ignore", "pipe", "ipc"] : ["ignore", "inherit", "pipe", "ipc"],
  });
  let stderrTail = "";
  child.stderr?.on("data", (d: Buffer) => {
    if (!options.silent) process.stderr.write(d);
    stderrTail = (stderrTail + d.toString()).slice(-STDERR_TAIL_CHARS);
  });
  const exited = exitOf(child);
  const timeoutMs = options.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${name} did not start within ${timeoutMs} ms\n${stderrTail}`));
    }, timeoutMs);
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${signal ? `signal ${signal}` : `code ${code}`} before listening\n${stderrTail}`));
    };
    child.once("exit", onExit);
    child.on("message", (msg: ListeningMessage) => {
      if (msg?.type !== "listening") return;
      clearTimeout(timer);
      child.off("exit", onExit);
      let stopping = false;
      resolve({
        name,
        child,
        url: msg.url,
        readyAt: Date.now(),
        exited,
        get stopping() {
          return stopping;
        },
        stderrTail: (maxLines = 20) => {
          const lines = stderrTail.split("\n").filter((line) => line.trim() !== "");
          // The first line may be cut in the middle: drop it when the tail is full.
          if (stderrTail.length >= STDERR_TAIL_CHARS) lines.shift();
          return lines.slice(-maxLines);
        },
        stop: async (graceMs = 5000) => {
          stopping = true;
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill("SIGTERM");
          const t = setTimeout(() => child.kill("SIGKILL"), graceMs);
          await waitExit(child);
          clearTimeout(t);
        },
        kill: async () => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill("SIGKILL");
          await waitExit(child);
        },
      });
    });
  });
}
