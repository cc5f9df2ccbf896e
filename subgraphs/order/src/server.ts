/** Builds and starts the order subgraph over a given database file. */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  createLogger,
  logTightened,
  makePrivateDir,
  startSubgraphServer,
  tightenFilesIn,
  type DrainTiming, type LogLevel,
  type OutboxTuning,
  type RunningServer,
  type ServiceSecurity,
} from "@ops/service-kit";
import { describeTarget, type DatabaseTarget, type QueryEvent } from "@ops/service-kit/data";
import { startConsistencyChecker, type ConsistencyCheckerOptions } from "./consistency/consistencyChecker.js";
import { createConsistencyStore } from "./consistency/consistencyStore.js";
import { createContext } from "./context.js";
import { openOrderDb, ping, type OrderServiceDb } from "./db/index.js";
import { handleOrderEvent } from "./domain/handleEvent.js";
import { createDownloadLimiter } from "./import/downloadLimiter.js";
import { mountDownloadRoutes } from "./import/downloads.js";
import { mountUploadRoute } from "./import/uploadRoute.js";
import { createUploadFiles } from "./import/uploadFiles.js";
import { createUploadStore } from "./import/uploadStore.js";
import type { UploadStore } from "./import/uploads.js";
import { scheduleUploadSweeps } from "./import/sweepUploads.js";
import { createJobRunner, type JobQueue } from "./jobs/jobRunner.js";
import { createPeerReader } from "./peerReader.js";
import { resolvers } from "./resolvers/index.js";

export const typeDefs = fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), "../schema.graphql"), "utf8");

export interface OrderServiceOptions {
  /** Where the orders live (migrated beforehand). */
  database?: DatabaseTarget;
  /** Sees every statement the request path sends (tests count them). */
  onQuery?: (event: QueryEvent) => void;
  /** Shorthand for `database: { kind: "sqlite", path: dbPath }`. */
  dbPath?: string;
  port: number;
  /** Router secret, caller verification and this service's identity towards the others. */
  security: ServiceSecurity;
  /** Webhook URLs of the services this one sends events to, by name (read at delivery time). */
  webhookUrls: () => Record<string, string>;
  outbox?: Partial<OutboxTuning>;
  /** GraphQL URLs of the payment and notification services (the consistency report reads them). */
  peerUrls: () => { payment: string; notification: string };
  /**
   * Where uploaded files live on SQLite (default: `imports/` beside the database). On PostgreSQL
   * they live in the database, where every replica reads them; files kept here from before stay
   * readable.
   */
  importDir?: string;
  /** The largest upload accepted, in bytes (default 200 MB). */
  importMaxBytes?: number;
  /** The background consistency check's pacing (intervalMs: CONSISTENCY_INTERVAL_MS). */
  consistency?: ConsistencyCheckerOptions;
  /** Per-identity quotas of uploads and downloads, and the upload sweeper's timing. */
  importLimits?: Partial<ImportFileLimits>;
  /** Milliseconds a batch undo leaves other writers between its chunks (default 25). */
  undoChunkPauseMs?: number;
  /** PostgreSQL: a job's claim lease (JOB_LEASE_MS, default 30 s). */
  jobLeaseMs?: number;
  /** A stop's notice period and drain timeout (DRAIN_NOTICE_MS, DRAIN_TIMEOUT_MS; defaults 0 and 20 s). */
  drain?: DrainTiming;
  host?: string;
  logLevel?: LogLevel;
}

export interface ImportFileLimits {
  /** Upload targets one identity may hold open (default 20). */
  maxOpenUploads: number;
  /** Bytes of stored, not yet imported files per identity (default 1 GB). */
  maxPendingBytes: number;
  /** CSV downloads one identity may run at once (default 2). */
  maxDownloads: number;
  /** How long a target waits for its file, and a file for its import (default 24 h). */
  uploadTtlMs: number;
  /** How often expired targets and unused files are swept (default 5 minutes; also once at start). */
  sweepIntervalMs: number;
}

const DEFAULT_LIMITS: ImportFileLimits = {
  maxOpenUploads: 20,
  maxPendingBytes: 1024 * 1024 * 1024,
  maxDownloads: 2,
  uploadTtlMs: 24 * 60 * 60 * 1000,
  sweepIntervalMs: 5 * 60 * 1000,
};

export interface OrderService extends RunningServer {
  /** The service's database (the data kit). */
  database: OrderServiceDb;
  imports: JobQueue;
  undos: JobQueue;
  uploads: UploadStore;
}

export async function startOrderService(options: OrderServiceOptions): Promise<OrderService> {
  const logger = createLogger("order", options.logLevel ?? "info");
  const target: DatabaseTarget = options.database ?? (options.dbPath ? { kind: "sqlite", path: options.dbPath } : (undefined as never));
  if (!target) throw new Error("startOrderService: give `database` (or `dbPath` for a SQLite file).");
  const dbPath = target.kind === "sqlite" ? target.path : null;
  if (!options.importDir && !dbPath) throw new Error(`startOrderService: give \`importDir\` for uploaded files (the service runs on ${describeTarget(target)}).`);
  const database = await openOrderDb(target, { onQuery: options.onQuery });
  // The audit trail and the outbox dispatcher (which polls) on connections of their own: `onQuery`
  // counts what requests and events cost, not the background delivery.
  const infrastructure = await openOrderDb(target, { poolSize: 2, applicationName: "ops-order-outbox" });
  const peers = createPeerReader(options.peerUrls, options.security.serviceHeaders);
  const importDir = options.importDir ?? path.join(path.dirname(dbPath!), "imports");
  // Uploaded files are customers' orders: owner-only, including those kept from before this rule.
  makePrivateDir(importDir);
  logTightened(logger, tightenFilesIn(importDir));
  const limits = { ...DEFAULT_LIMITS, ...options.importLimits };
  const uploads = createUploadStore(
    database,
    createUploadFiles(database, importDir),
    { maxBytes: options.importMaxBytes ?? 200 * 1024 * 1024, maxOpenUploads: limits.maxOpenUploads, maxPendingBytes: limits.maxPendingBytes, ttlMs: limits.uploadTtlMs },
    logger,
  );
  await uploads.recover();
  const stopSweeps = scheduleUploadSweeps(() => uploads.sweep(), limits.sweepIntervalMs, logger);
  // Import and undo chunks commit events from a worker thread: the dispatcher delivers them at once.
  let wake = () => {};
  const jobs = await createJobRunner({ target, database, logger, onChunk: () => wake(), undo: { chunkPauseMs: options.undoChunkPauseMs }, leaseMs: options.jobLeaseMs });
  const { imports, undos } = jobs;
  // Its own connections: the check's background statements stay out of the request path's
  // statement caches and out of the per-request SQL counts tests take (onQuery).
  const checkDb = await openOrderDb(target, { poolSize: 2 });
  const consistencyStore = createConsistencyStore(checkDb);
  const consistency = { store: consistencyStore, checker: startConsistencyChecker(consistencyStore, peers, logger, options.consistency) };
  const server = await startSubgraphServer({
    name: "order",
    typeDefs,
    // Resolver maps are loosely typed by @apollo/subgraph; the schema is the contract.
    resolvers: resolvers as never,
    context: (_req, identity, events) => createContext({ database, peers, uploads, imports, undos, consistency }, identity, events),
    routes: (app, authenticate) => {
      mountUploadRoute(app, uploads, authenticate, logger);
      mountDownloadRoutes(app, { database, limiter: createDownloadLimiter(limits.maxDownloads), logger }, authenticate);
    },
    events: {
      webhookSecret: options.security.webhookSecret,
      destinations: options.webhookUrls,
      tuning: options.outbox,
      // A confirmation caused by a payment produces order.confirmed: deliver it right away.
      handle: (events) => async (event) => {
        const result = await handleOrderEvent(database, event);
        events.wake();
        return result;
      },
    },
    ready: async () => {
      await ping(database.db);
    },
    security: options.security.security,
    // Its audit_log and outbox, and /ready's SELECT 1.
    database: infrastructure,
    logger,
    host: options.host,
    port: options.port,
    drainNoticeMs: options.drain?.noticeMs,
    drainTimeoutMs: options.drain?.timeoutMs,
    // While in-flight requests finish: no new pass or sweep, and the job stops after its chunk.
    onDrain: async (deadline) => {
      stopSweeps();
      await Promise.all([consistency.checker.stop(), jobs.stop(deadline)]);
    },
    onStop: async () => {
      await checkDb.close();
      await infrastructure.close();
      await database.close();
    },
  });
  wake = server.events.wake;
  return { ...server, database, imports, undos, uploads };
}
