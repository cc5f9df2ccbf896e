/** Builds and starts the notification subgraph over a given database (SQLite or PostgreSQL). */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { IMPORT_CONFIRMATIONS, isEvent } from "@ops/contracts";
import { createLogger, startSubgraphServer, type DrainTiming, type LogLevel, type OutboxTuning, type RunningServer, type ServiceSecurity } from "@ops/service-kit";
import { describeTarget, type DatabaseTarget, type QueryEvent } from "@ops/service-kit/data";
import { DEFAULT_MAIL_FROM } from "./config.js";
import { createContext } from "./context.js";
import { openNotificationDatabase, type NotificationDatabase } from "./db/database.js";
import { NotificationDelivery } from "./domain/notificationDelivery.js";
import { applyImportConfirmations } from "./domain/importConfirmations.js";
import { applyOrderEvent } from "./domain/orderEvents.js";
import { startPendingSweeper, type PendingSweeper, type SweeperTuning } from "./domain/pendingSweeper.js";
import { seedTemplates } from "./domain/templateOperations.js";
import { createOrderReader } from "./orderClient.js";
import { resolvers } from "./resolvers/index.js";
import type { NotificationTransport } from "./transport/NotificationTransport.js";
import { createTransport } from "./transport/routeTransport.js";

/** Notifications handed to the transport at the same time (one at a time for SMTP). */
const DELIVERY_CONCURRENCY = 8;

export const typeDefs = fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), "../schema.graphql"), "utf8");

export interface NotificationServiceOptions {
  /** Where the data lives (see `databaseTarget("notification")`). */
  database?: DatabaseTarget;
  /** Shorthand for `database: { kind: "sqlite", path: dbPath }`. */
  dbPath?: string;
  /** Every SQL statement the service runs (tests count them). */
  onQuery?: (event: QueryEvent) => void;
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
  /** A stop's notice period and drain timeout (DRAIN_NOTICE_MS, DRAIN_TIMEOUT_MS; defaults 0 and 20 s). */
  drain?: DrainTiming;
}

export interface NotificationService extends RunningServer {
  /** The service's database (tests read rows through it). */
  database: NotificationDatabase;
}

/** The database the options name: `database`, else the SQLite file `dbPath`. */
export function notificationTarget(options: Pick<NotificationServiceOptions, "database" | "dbPath">): DatabaseTarget {
  if (options.database) return options.database;
  if (options.dbPath) return { kind: "sqlite", path: options.dbPath };
  throw new Error("startNotificationService needs `database` (or `dbPath` for a SQLite file).");
}

/**
 * Opens the database, seeds the missing default templates, starts listening (GraphQL and the
 * order-event webhook) and starts the sweeper of notifications left PENDING.
 */
export async function startNotificationService(options: NotificationServiceOptions): Promise<NotificationService> {
  const logger = createLogger("notification", options.logLevel ?? "info");
  const target = notificationTarget(options);
  const database = await openNotificationDatabase(target, options.onQuery ? { onQuery: options.onQuery } : {});
  // Background work on connections of its own: the outbox dispatcher's polls, the audit trail and
  // the sweeper's looks stay out of the request path's statement caches and out of the
  // per-request SQL counts tests take (onQuery).
  const background = await openNotificationDatabase(target, { poolSize: 2, applicationName: "ops-notification-background" });
  logger.info("database", { database: describeTarget(target) });
  const added = await seedTemplates(database);
  if (added > 0) logger.info("seeded default templates", { added });
  const configured = createTransport({ outboxDir: options.outboxDir, smtpUrl: options.smtpUrl, mailFrom: options.mailFrom ?? DEFAULT_MAIL_FROM, logger });
  const transport = options.transport ?? configured;
  // Hand-overs on a pool of their own: on PostgreSQL each holds its claim's connection while the
  // transport runs (a slow mail server), which must never starve the requests of connections.
  const deliveryDatabase = await openNotificationDatabase(target, { poolSize: DELIVERY_CONCURRENCY + 1, applicationName: "ops-notification-delivery" });
  const delivery = new NotificationDelivery({ database: deliveryDatabase, transport }, { logger, concurrency: DELIVERY_CONCURRENCY });
  const services = { database, orders: createOrderReader(options.orderServiceUrl, options.security.serviceHeaders), transport, delivery };
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
      // covers a crash in between). The hand-over registers the ids right after the commit,
      // before any timer or I/O callback (the sweeper) can run.
      handle: () => async (event) => {
        const applied = isEvent(event, IMPORT_CONFIRMATIONS) ? await applyImportConfirmations(database, event) : await applyOrderEvent(database, event);
        const { result, toDeliver, stored, skipped } = applied;
        void delivery.deliverMessages(toDeliver);
        if (result === "applied") logger.info("order event applied", { eventId: event.id, type: event.type, notifications: stored, toSend: toDeliver.length, alreadyConfirmed: skipped });
        return result;
      },
    },
    // Its audit log, its outbox and /ready's SELECT 1.
    database: background,
    security: options.security.security,
    logger,
    host: options.host,
    port: options.port,
    drainNoticeMs: options.drain?.noticeMs,
    drainTimeoutMs: options.drain?.timeoutMs,
    // While in-flight requests finish: no new sweep or hand-over; those running finish (their
    // claims end with their transactions) or are cut short at the deadline.
    onDrain: async (deadline) => {
      await sweeper?.stop();
      await delivery.stop(deadline);
    },
    onStop: async () => {
      configured.close();
      await deliveryDatabase.close();
      await background.close();
      await database.close();
    },
  });
  sweeper = startPendingSweeper(background, delivery, logger, options.sweeper);
  return { ...server, database };
}
