/** Builds and starts the payment subgraph over its database (SQLite or PostgreSQL). */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createLogger, startSubgraphServer, type LogLevel, type OutboxTuning, type RunningServer, type ServiceSecurity } from "@ops/service-kit";
import type { DatabaseTarget, QueryEvent } from "@ops/service-kit/data";
import { createContext } from "./context.js";
import { openPaymentDatabase, ping, type PaymentDatabase } from "./db/database.js";
import { createPaymentEventHandler } from "./domain/handleEvent.js";
import { createOrderClient } from "./orderClient.js";
import { resolvers } from "./resolvers/index.js";

export const typeDefs = fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), "../schema.graphql"), "utf8");

export interface PaymentServiceOptions {
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
  /** Every SQL statement the service runs (tests count them). */
  onQuery?: (event: QueryEvent) => void;
}

export interface PaymentService extends RunningServer {
  /** The payment database, for tests and tools that read rows. */
  database: PaymentDatabase;
}

/** Opens the database and starts the payment subgraph; resolves once it listens (port 0 picks a free one). */
export async function startPaymentService(options: PaymentServiceOptions): Promise<PaymentService> {
  const logger = createLogger("payment", options.logLevel ?? "info");
  const target = options.database ?? (options.dbPath ? { kind: "sqlite" as const, path: options.dbPath } : undefined);
  if (!target) throw new Error("startPaymentService needs `database` (or `dbPath`).");
  // Until the kit's audit log and outbox dispatcher take the ServiceDb (branch wt/kitshared), they open the SQLite file.
  if (target.kind !== "sqlite") throw new Error("The payment service's audit log and outbox still need a SQLite file.");
  const dbPath = target.path;
  const database = await openPaymentDatabase(target, options.onQuery ? { onQuery: options.onQuery } : {});
  const orders = createOrderClient(options.orderServiceUrl, options.security.serviceHeaders);
  const server = await startSubgraphServer({
    name: "payment",
    typeDefs,
    // Resolver maps are loosely typed by @apollo/subgraph; the schema is the contract.
    resolvers: resolvers as never,
    context: (_req, identity, events) => createContext(database, orders, identity, events),
    events: {
      webhookSecret: options.security.webhookSecret,
      destinations: options.webhookUrls,
      tuning: options.outbox,
      handle: (events) => createPaymentEventHandler({ database, logger, wake: () => events.wake() }),
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
      await database.close();
    },
  });
  return { ...server, database };
}
