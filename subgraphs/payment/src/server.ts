/** Builds and starts the payment subgraph over a given database file. */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createLogger, startSubgraphServer, type LogLevel, type OutboxTuning, type RunningServer, type ServiceSecurity } from "@ops/service-kit";
import type { DatabaseTarget } from "@ops/service-kit/data";
import { createContext } from "./context.js";
import { openPaymentDatabase, ping, type PaymentDatabase } from "./db/database.js";
import { openBulkDb, type BulkDb } from "@ops/service-kit";
import { createPaymentDb, type DbOptions, type PaymentDb } from "./db.js";
import { createPaymentEventHandler } from "./domain/handleEvent.js";
import { createOrderClient } from "./orderClient.js";
import { resolvers } from "./resolvers/index.js";

export const typeDefs = fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), "../schema.graphql"), "utf8");

export interface PaymentServiceOptions extends DbOptions {
  /** SQLite file or PostgreSQL database (`databaseTarget("payment")`). */
  database?: DatabaseTarget;
  /** Shorthand for `database: { kind: "sqlite", path: dbPath }`. */
  dbPath?: string;
  port: number;
  /** Router secret, caller verification and this service's identity towards the others. */
  security: ServiceSecurity;
  /** Webhook URLs of the services this one sends events to, by name (read at delivery time). */
  webhookUrls: () => Record<string, string>;
  outbox?: Partial<OutboxTuning>;
  host?: string;
  logLevel?: LogLevel;
  /** The order subgraph's GraphQL URL: payments read the order's total from it. */
  orderServiceUrl: string;
}

export interface PaymentService extends RunningServer {
  /** The payment database, for tests and tools that read rows. */
  database: PaymentDatabase;
  db: PaymentDb;
  /** The bulk write connection: every status move (the payment gate), imported payments, batch cancellations. */
  bulk: BulkDb;
}

/** Opens the database and starts the payment subgraph; resolves once it listens (port 0 picks a free one). */
export async function startPaymentService(options: PaymentServiceOptions): Promise<PaymentService> {
  const logger = createLogger("payment", options.logLevel ?? "info");
  const target = options.database ?? (options.dbPath ? { kind: "sqlite" as const, path: options.dbPath } : undefined);
  if (!target) throw new Error("startPaymentService needs `database` (or `dbPath`).");
  if (target.kind !== "sqlite") throw new Error("The payment service runs on SQLite until its writes move to the data kit.");
  const dbPath = target.path;
  const database = await openPaymentDatabase(target, options.onQuery ? { onQuery: options.onQuery } : {});
  const db = await createPaymentDb(dbPath, options);
  // Events touch thousands of payments at once: they are written on a better-sqlite3 connection.
  const bulk = openBulkDb(dbPath, { onQuery: options.onQuery });
  const orders = createOrderClient(options.orderServiceUrl, options.security.serviceHeaders);
  const server = await startSubgraphServer({
    name: "payment",
    typeDefs,
    // Resolver maps are loosely typed by @apollo/subgraph; the schema is the contract.
    resolvers: resolvers as never,
    context: (_req, identity, events) => createContext(database, db, bulk, orders, identity, events),
    events: {
      webhookSecret: options.security.webhookSecret,
      destinations: options.webhookUrls,
      tuning: options.outbox,
      handle: (events) => createPaymentEventHandler({ bulk, logger, wake: () => events.wake() }),
    },
    ready: async () => {
      await ping(database.db);
    },
    security: options.security.security,
    dbPath,
    logger,
    host: options.host,
    port: options.port,
    onStop: async () => {
      bulk.close();
      await db.$disconnect();
      await database.close();
    },
  });
  return { ...server, database, db, bulk };
}
