/** Builds and starts the notification subgraph over a given database file. */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createLogger, SqliteReader, startSubgraphServer, type LogLevel, type RunningServer, type ServiceSecurity } from "@ops/service-kit";
import { DEFAULT_MAIL_FROM } from "./config.js";
import { createContext } from "./context.js";
import { createNotificationDb, type DbOptions, type NotificationDb } from "./db.js";
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
}

export interface NotificationService extends RunningServer {
  db: NotificationDb;
}

/** Opens the database, seeds the missing default templates and starts listening. */
export async function startNotificationService(options: NotificationServiceOptions): Promise<NotificationService> {
  const logger = createLogger("notification", options.logLevel ?? "info");
  const db = await createNotificationDb(options.dbPath, options);
  const added = await seedTemplates(db);
  if (added > 0) logger.info("seeded default templates", { added });
  const configured = createTransport({ outboxDir: options.outboxDir, smtpUrl: options.smtpUrl, mailFrom: options.mailFrom ?? DEFAULT_MAIL_FROM, logger });
  const reader = new SqliteReader(options.dbPath, options.onQuery);
  const services = { db, reader, orders: createOrderReader(options.orderServiceUrl, options.security.serviceHeaders), transport: options.transport ?? configured };
  const server = await startSubgraphServer({
    name: "notification",
    typeDefs,
    // Resolver maps are loosely typed by @apollo/subgraph; the schema is the contract.
    resolvers: resolvers as never,
    context: (_req, identity) => createContext(services, identity),
    ready: async () => {
      await db.$queryRawUnsafe("SELECT 1");
    },
    security: options.security.security,
    auditDbPath: options.dbPath,
    logger,
    host: options.host,
    port: options.port,
    onStop: async () => {
      configured.close();
      reader.close();
      await db.$disconnect();
    },
  });
  return { ...server, db };
}
