/** Builds and starts the order subgraph over a given database file. */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createLogger, openBulkDb, SqliteReader, startSubgraphServer, type LogLevel, type OutboxTuning, type RunningServer, type ServiceSecurity } from "@ops/service-kit";
import { createContext } from "./context.js";
import { createOrderDb, type DbOptions, type OrderDb } from "./db.js";
import { handleOrderEvent } from "./domain/handleEvent.js";
import { mountDownloadRoutes } from "./import/downloads.js";
import { createUploadStore, mountUploadRoute } from "./import/uploads.js";
import { createJobRunner, type JobQueue } from "./jobs/jobRunner.js";
import { createPeerReader } from "./peerReader.js";
import { resolvers } from "./resolvers/index.js";

export const typeDefs = fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), "../schema.graphql"), "utf8");

export interface OrderServiceOptions extends DbOptions {
  dbPath: string;
  port: number;
  /** Router secret, caller verification and this service's identity towards the others. */
  security: ServiceSecurity;
  /** Webhook URLs of the services this one sends events to, by name (read at delivery time). */
  webhookUrls: () => Record<string, string>;
  outbox?: Partial<OutboxTuning>;
  /** GraphQL URLs of the payment and notification services (the consistency report reads them). */
  peerUrls: () => { payment: string; notification: string };
  /** Where uploads and their imports' files live (default: `imports/` beside the database). */
  importDir?: string;
  /** The largest upload accepted, in bytes (default 200 MB). */
  importMaxBytes?: number;
  /** Milliseconds a batch undo leaves other writers between its chunks (default 25). */
  undoChunkPauseMs?: number;
  host?: string;
  logLevel?: LogLevel;
}

export interface OrderService extends RunningServer {
  db: OrderDb;
  imports: JobQueue;
  undos: JobQueue;
}

export async function startOrderService(options: OrderServiceOptions): Promise<OrderService> {
  const logger = createLogger("order", options.logLevel ?? "info");
  const db = await createOrderDb(options.dbPath, options);
  const reader = new SqliteReader(options.dbPath, options.onQuery);
  const bulk = openBulkDb(options.dbPath, { onQuery: options.onQuery });
  const peers = createPeerReader(options.peerUrls, options.security.serviceHeaders);
  const uploads = createUploadStore(options.importDir ?? path.join(path.dirname(options.dbPath), "imports"), options.importMaxBytes ?? 200 * 1024 * 1024);
  // Import and undo chunks commit events from a worker thread: the dispatcher delivers them at once.
  let wake = () => {};
  const jobs = createJobRunner({ dbPath: options.dbPath, db, reader, logger, onChunk: () => wake(), undo: { chunkPauseMs: options.undoChunkPauseMs } });
  const { imports, undos } = jobs;
  const server = await startSubgraphServer({
    name: "order",
    typeDefs,
    // Resolver maps are loosely typed by @apollo/subgraph; the schema is the contract.
    resolvers: resolvers as never,
    context: (_req, identity, events) => createContext({ db, bulk, reader, peers, uploads, imports, undos }, identity, events),
    routes: (app, authenticate) => {
      mountUploadRoute(app, uploads, authenticate);
      mountDownloadRoutes(app, { db, reader }, authenticate);
    },
    events: {
      webhookSecret: options.security.webhookSecret,
      destinations: options.webhookUrls,
      tuning: options.outbox,
      // A confirmation caused by a payment produces order.confirmed: deliver it right away.
      handle: (events) => async (event) => {
        const result = await handleOrderEvent(bulk, event);
        events.wake();
        return result;
      },
    },
    ready: async () => {
      await db.$queryRawUnsafe("SELECT 1");
    },
    security: options.security.security,
    dbPath: options.dbPath,
    logger,
    host: options.host,
    port: options.port,
    onStop: async () => {
      await jobs.stop();
      bulk.close();
      reader.close();
      await db.$disconnect();
    },
  });
  wake = server.events.wake;
  return { ...server, db, imports, undos };
}
