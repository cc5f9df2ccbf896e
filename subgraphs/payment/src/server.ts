/** Builds and starts the payment subgraph over a given database file. */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createLogger, SqliteReader, startSubgraphServer, type LogLevel, type OutboxTuning, type RunningServer, type ServiceSecurity } from "@ops/service-kit";
import { createContext } from "./context.js";
import { openBulkDb, type BulkDb } from "@ops/service-kit";
import { createPaymentDb, type DbOptions, type PaymentDb } from "./db.js";
import { createPaymentEventHandler } from "./domain/handleEvent.js";
import { createOrderClient } from "./orderClient.js";
import { resolvers } from "./resolvers/index.js";

export const typeDefs = fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), "../schema.graphql"), "utf8");

export interface PaymentServiceOptions extends DbOptions {
  dbPath: string;
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
  db: PaymentDb;
  /** The bulk write connection: every status move (the payment gate), imported payments, batch cancellations. */
  bulk: BulkDb;
}

/** Opens the database and starts the payment subgraph; resolves once it listens (port 0 picks a free one). */
export async function startPaymentService(options: PaymentServiceOptions): Promise<PaymentService> {
  const logger = createLogger("payment", options.logLevel ?? "info");
  const db = await createPaymentDb(options.dbPath, options);
  const reader = new SqliteReader(options.dbPath, options.onQuery);
  // Events touch thousands of payments at once: they are written on a better-sqlite3 connection.
  const bulk = openBulkDb(options.dbPath, { onQuery: options.onQuery });
  const orders = createOrderClient(options.orderServiceUrl, options.security.serviceHeaders);
  const server = await startSubgraphServer({
    name: "payment",
    typeDefs,
    // Resolver maps are loosely typed by @apollo/subgraph; the schema is the contract.
    resolvers: resolvers as never,
    context: (_req, identity, events) => createContext(db, bulk, reader, orders, identity, events),
    events: {
      webhookSecret: options.security.webhookSecret,
      destinations: options.webhookUrls,
      tuning: options.outbox,
      handle: (events) => createPaymentEventHandler({ bulk, logger, wake: () => events.wake() }),
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
      reader.close();
      bulk.close();
      await db.$disconnect();
    },
  });
  return { ...server, db, bulk };
}
