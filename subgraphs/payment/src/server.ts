/** Builds and starts the payment subgraph over its database (SQLite or PostgreSQL). */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createLogger, startSubgraphServer, type DrainTiming, type LogLevel, type OutboxTuning, type RunningServer, type ServiceSecurity } from "@ops/service-kit";
import type { DatabaseTarget, QueryEvent } from "@ops/service-kit/data";
import { createContext } from "./context.js";
import { openPaymentDatabase, type PaymentDatabase } from "./db/database.js";
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
  /** A stop's notice period and drain timeout (DRAIN_NOTICE_MS, DRAIN_TIMEOUT_MS; defaults 0 and 20 s). */
  drain?: DrainTiming;
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
  const database = await openPaymentDatabase(target, options.onQuery ? { onQuery: options.onQuery } : {});
  // The audit trail and the outbox dispatcher (which polls) on connections of their own, as
  // before: `onQuery` counts what requests and events cost, not the background delivery.
  const infrastructure = await openPaymentDatabase(target, { poolSize: 2, applicationName: "ops-payment-outbox" });
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
    security: options.security.security,
    // Its audit_log and outbox, and /ready's SELECT 1.
    database: infrastructure,
    logger,
    host: options.host,
    port: options.port,
    drainNoticeMs: options.drain?.noticeMs,
    drainTimeoutMs: options.drain?.timeoutMs,
    onStop: async () => {
      await database.close();
      await infrastructure.close();
    },
  });
  return { ...server, database };
}
