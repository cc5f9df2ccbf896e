/** Builds and starts the notification subgraph over a given database file. */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { IMPORT_CONFIRMATIONS, isEvent } from "@ops/contracts";
import { createLogger, openBulkDb, SqliteReader, startSubgraphServer, type LogLevel, type OutboxTuning, type RunningServer, type ServiceSecurity } from "@ops/service-kit";
import { DEFAULT_MAIL_FROM } from "./config.js";
import { createContext } from "./context.js";
import { createNotificationDb, type DbOptions, type NotificationDb } from "./db.js";
import { NotificationDelivery } from "./domain/notificationDelivery.js";
import { applyImportConfirmations } from "./domain/importConfirmations.js";
import { applyOrderEvent } from "./domain/orderEvents.js";
import { startPendingSweeper, type PendingSweeper, type SweeperTuning } from "./domain/pendingSweeper.js";
import { seedTemplates } from "./domain/templateOperations.js";
import { createOrderReader } from "./orderClient.js";
import { resolvers } from "./resolvers/index.js";
import type { NotificationTransport } from "./transport/NotificationTransport.js";
import { createTransport } from "./transport/routeTransport.js";

export const typeDefs = fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), "../schema.graphql"), "utf8");

export interface NotificationServiceOptions extends DbOptions {
  dbPath: string;
  port: number;
  /** Router secret, caller verification and this service's identity towards the others. */
  security: ServiceSecurity;
  /** Webhook URLs of the services this one sends events to, by name (read at delivery time). */
  webhookUrls: () => Record<string, string>;
  outbox?: Partial<OutboxTuning>;
  host?: string;
  logLevel?: LogLevel;
  /** The order subgraph's GraphQL URL; orders are read from it, never from its database. */
  orderServiceUrl: string;
  /** Where the file transport appends `notifications.jsonl`. */
  outboxDir: string;
  /** EMAIL goes through this SMTP server when set. */
  smtpUrl?: string;
  mailFrom?: string;
  /** Replaces the configured transports (tests inject a failing one). */
  transport?: NotificationTransport;
  /** How the sweeper of notifications left PENDING looks (tests shorten it). */
  sweeper?: Partial<SweeperTuning>;
}

export interface NotificationService extends RunningServer {
  db: NotificationDb;
}

/**
 * Opens the database, seeds the missing default templates, starts listening (GraphQL and the
 * order-event webhook) and starts the sweeper of notifications left PENDING.
 */
export async function startNotificationService(options: NotificationServiceOptions): Promise<NotificationService> {
  const logger = createLogger("notification", options.logLevel ?? "info");
  const db = await createNotificationDb(options.dbPath, options);
  const added = await seedTemplates(db);
  if (added > 0) logger.info("seeded default templates", { added });
  const configured = createTransport({ outboxDir: options.outboxDir, smtpUrl: options.smtpUrl, mailFrom: options.mailFrom ?? DEFAULT_MAIL_FROM, logger });
  const reader = new SqliteReader(options.dbPath, options.onQuery);
  // The bulk write path (import confirmations, order events with thousands of orders). Its
  // transactions show in the query log as BEGIN IMMEDIATE … COMMIT (tests bracket inserts with them).
  const bulk = openBulkDb(options.dbPath, { onQuery: options.onQuery, reportTransactions: true });
  const transport = options.transport ?? configured;
  const delivery = new NotificationDelivery({ db, transport, bulk }, { logger });
  const services = { db, reader, orders: createOrderReader(options.orderServiceUrl, options.security.serviceHeaders), transport, delivery };
  let sweeper: PendingSweeper | undefined;
  const server = await startSubgraphServer({
    name: "notification",
    typeDefs,
    // Resolver maps are loosely typed by @apollo/subgraph; the schema is the contract.
    resolvers: resolvers as never,
    context: (_req, identity, events) => createContext(services, identity, events),
    events: {
      webhookSecret: options.security.webhookSecret,
      destinations: options.webhookUrls,
      tuning: options.outbox,
      // Order events and import confirmations: stored in one transaction, acknowledged, then
      // delivered in the background (a slow mail server never delays the producer; the sweeper
      // covers a crash in between). The hand-over claims the ids right after the commit, before any
      // timer or I/O callback (the sweeper) can run.
      handle: () => async (event) => {
        const applied = isEvent(event, IMPORT_CONFIRMATIONS) ? await applyImportConfirmations(bulk, event) : await applyOrderEvent(bulk, event);
        const { result, toDeliver, stored, skipped } = applied;
        void delivery.deliverMessages(toDeliver);
        if (result === "applied") logger.info("order event applied", { eventId: event.id, type: event.type, notifications: stored, toSend: toDeliver.length, alreadyConfirmed: skipped });
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
      await sweeper?.stop();
      await delivery.stop();
      configured.close();
      reader.close();
      bulk.close();
      await db.$disconnect();
    },
  });
  sweeper = startPendingSweeper(options.dbPath, delivery, logger, options.sweeper);
  return { ...server, db };
}
