/**
 * Runs Hive Gateway (`hive-gateway supergraph -c gateway/hive/gateway.config.ts`) as a child
 * process and resolves once it answers `/health`. Used by `npm run start:hive` and the tests.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "@ops/service-kit";

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const HIVE_CONFIG_FILE = path.join(HERE, "gateway.config.ts");
// The package exports no subpath for its bin; it sits beside the entry point.
const HIVE_BIN = path.join(path.dirname(createRequire(import.meta.url).resolve("@graphql-hive/gateway")), "bin.js");
const STDERR_TAIL_CHARS = 8000;

export interface HiveGatewayOptions {
  /** The stack's environment (DATA_DIR, the subgraph URLs or ports, secrets, limits, NODE_ENV). */
  env: NodeJS.ProcessEnv;
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /** Keep its stdout and stderr from this process's (tests); the stderr tail still goes into a start failure. */
  silent?: boolean;
  startTimeoutMs?: number;
}

export interface RunningHiveGateway {
  url: string;
  child: ChildProcess;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

async function answersHealth(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(1000) })).ok;
  } catch {
    return false;
  }
}

/** Starts Hive Gateway on `options.env` and resolves with its GraphQL URL once it answers. */
export async function startHiveGateway(options: HiveGatewayOptions): Promise<RunningHiveGateway> {
  const host = options.host ?? "127.0.0.1";
  const port = options.port === 0 ? await freePort(host) : options.port;
  // tsx loads the TypeScript config and the workspace sources it imports (Hive imports the
  // config with a plain `import()`).
  const child = spawn(process.execPath, ["--import", "tsx", HIVE_BIN, "supergraph", "-c", HIVE_CONFIG_FILE, "-p", String(port), "-h", host], {
    env: options.env,
    stdio: ["ignore", options.silent ? "ignore" : "inherit", "pipe"],
  });
  let stderrTail = "";
  child.stderr?.on("data", (d: Buffer) => {
    if (!options.silent) process.stderr.write(d);
    stderrTail = (stderrTail + d.toString()).slice(-STDERR_TAIL_CHARS);
  });
  // A parent that exits (Ctrl+C, a crashed test runner) takes the gateway with it.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const stop = async (graceMs = 5000) => {
    process.off("exit", killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    await exited(child);
    clearTimeout(timer);
  };

  const base = `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${port}`;
  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  while (!(await answersHealth(`${base}/health`))) {
    if (child.exitCode !== null || child.signalCode !== null) {
      process.off("exit", killOnExit);
      throw new Error(`Hive Gateway exited with ${child.signalCode ?? `code ${child.exitCode}`} before it answered\n${stderrTail}`);
    }
    if (Date.now() > deadline) {
      await stop(0);
      throw new Error(`Hive Gateway did not answer ${base}/health within ${options.startTimeoutMs ?? 30_000} ms\n${stderrTail}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url: `${base}/graphql`, child, stop };
}
