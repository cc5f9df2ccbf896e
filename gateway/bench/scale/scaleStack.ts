/**
 * A shop of a million orders behind the real stack (four processes), for `npm run test:scale`
 * and `npm run bench:scale`: migrated databases filled by `buildScaleShop`, API keys per role,
 * each process's resident memory sampled, and any process that exits on its own recorded.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { generateApiKey, hashApiKey, SERVICE_NAMES, writeApiKeyFile, type Role, type ServiceName } from "@ops/service-kit";
import { isolatedStackEnv, launchStack, migrateDatabase, type Stack } from "@ops/service-kit/stack";
import { GatewayClient } from "../../scripts/gatewayClient.js";
import { peakRssMb, resetPeakRss } from "../processMemory.js";
import { buildScaleShop, type ScaleShop } from "../scaleShop.js";

export interface ScaleStack {
  stack: Stack;
  shop: ScaleShop;
  dir: string;
  base: string;
  /** An API key per role; `operator2` is a second operator (per-identity limits). */
  keys: Record<Role | "operator2", string>;
  /** A client signed in with the key of `who`. */
  client(who: keyof ScaleStack["keys"]): GatewayClient;
  /** Processes that exited without being stopped, with why. */
  exits: string[];
  /** Each process's peak resident memory (VmHWM), MB: over the whole run, or since `stepPeaks` last reset it. */
  peakRss(): Record<string, number>;
  /** Each process's peak since the last call (and starts the next step's peak), MB; peakRss keeps the run's. */
  stepPeaks(): Record<string, number>;
  stop(): Promise<void>;
}

const log = (line: string) => console.log(`[scale] ${line}`);

/**
 * OPS_SCALE_KEEP=<dir> keeps the built shop's databases in `dir` and reuses them on the next run
 * with the same number of orders (profiling: building a million orders takes a minute or more).
 * The databases are copied into the run's own folder, so a run never changes the kept shop.
 */
async function shopDatabases(dataDir: string, options: { orders: number; batchOrders: number }): Promise<ScaleShop> {
  const dbPaths = Object.fromEntries(SERVICE_NAMES.map((s) => [s, path.join(dataDir, `${s}_service.db`)])) as Record<ServiceName, string>;
  const keep = process.env.OPS_SCALE_KEEP;
  const marker = keep ? path.join(keep, `shop-${options.orders}-${options.batchOrders}.json`) : null;
  if (marker && fs.existsSync(marker)) {
    for (const s of SERVICE_NAMES) fs.copyFileSync(path.join(keep!, `${s}_service.db`), dbPaths[s]);
    await Promise.all(SERVICE_NAMES.map((s) => migrateDatabase(s, dbPaths[s])));
    log(`shop reused from ${keep}`);
    return JSON.parse(fs.readFileSync(marker, "utf8")) as ScaleShop;
  }
  await Promise.all(SERVICE_NAMES.map((s) => migrateDatabase(s, dbPaths[s])));
  const started = performance.now();
  let last = 0;
  const shop = buildScaleShop({
    orders: options.orders,
    batchOrders: options.batchOrders,
    dbPaths,
    onProgress: (done, total) => {
      if (done - last >= total / 5 || done === total) log(`shop: ${done.toLocaleString("en")} / ${total.toLocaleString("en")} orders written (${((performance.now() - started) / 1000).toFixed(0)} s)`);
      if (done - last >= total / 5) last = done;
    },
  });
  log(`shop built in ${((performance.now() - started) / 1000).toFixed(1)} s: ${shop.orders.toLocaleString("en")} orders, ${shop.payments.toLocaleString("en")} payments, ${shop.notifications.toLocaleString("en")} notifications`);
  if (marker) {
    fs.mkdirSync(keep!, { recursive: true });
    for (const s of SERVICE_NAMES) fs.copyFileSync(dbPaths[s], path.join(keep!, `${s}_service.db`));
    fs.writeFileSync(marker, JSON.stringify(shop));
  }
  return shop;
}

export async function startScaleStack(options: { orders: number; batchOrders: number; env?: NodeJS.ProcessEnv }): Promise<ScaleStack> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ops-scale-"));
  const dataDir = path.join(dir, "data");
  fs.mkdirSync(dataDir);
  const shop = await shopDatabases(dataDir, options);

  const keys = { admin: generateApiKey(), operator: generateApiKey(), operator2: generateApiKey(), viewer: generateApiKey() };
  const roleOf: Record<keyof typeof keys, Role> = { admin: "admin", operator: "operator", operator2: "operator", viewer: "viewer" };
  writeApiKeyFile(
    path.join(dataDir, "api-keys.json"),
    Object.entries(keys).map(([name, key]) => ({ name: `scale-${name}`, role: roleOf[name as keyof typeof keys], keyHash: hashApiKey(key), createdAt: new Date().toISOString() })),
  );
  const env = isolatedStackEnv(dataDir, { RATE_LIMIT_PER_MINUTE: "1000000", OUTBOX_POLL_MS: "200", MAIL_OUTBOX_DIR: path.join(dir, "outbox"), ...options.env });
  const stack = await launchStack({ env, silent: true, skipMigrations: true });
  const exits: string[] = [];
  const tails = new Map<string, string>();
  let stopping = false;
  for (const [name, proc] of Object.entries(stack.processes)) {
    proc.child.stderr?.on("data", (d: Buffer) => tails.set(name, ((tails.get(name) ?? "") + d.toString()).slice(-3000)));
    proc.child.once("exit", (code, signal) => {
      if (!stopping) exits.push(`${name} exited (code ${code}, signal ${signal})\n${tails.get(name) ?? ""}`);
    });
  }
  const base = stack.gatewayUrl.replace(/\/graphql$/, "");
  const runPeaks = new Map<string, number>();
  return {
    stack,
    shop,
    dir,
    base,
    keys,
    exits,
    client(who) {
      return new GatewayClient(stack.gatewayUrl, { script: "scale", command: "npm run test:scale", role: "admin", keyName: who }, { authorization: `ApiKey ${keys[who]}` });
    },
    peakRss: () => Object.fromEntries(Object.entries(stack.processes).map(([name, p]) => [name, Math.max(runPeaks.get(name) ?? 0, peakRssMb(p.child.pid!))])),
    stepPeaks() {
      const peaks: Record<string, number> = {};
      for (const [name, p] of Object.entries(stack.processes)) {
        peaks[name] = peakRssMb(p.child.pid!);
        runPeaks.set(name, Math.max(runPeaks.get(name) ?? 0, peaks[name]));
        resetPeakRss(p.child.pid!);
      }
      return peaks;
    },
    async stop() {
      stopping = true;
      await stack.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
