/** Builds and starts the order subgraph over a given database file. */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createLogger, SqliteReader, startSubgraphServer, type LogLevel, type RunningServer, type ServiceSecurity } from "@ops/service-kit";
import { createContext } from "./context.js";
import { createOrderDb, type DbOptions, type OrderDb } from "./db.js";
import { resolvers } from "./resolvers/index.js";

export const typeDefs = fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), "../schema.graphql"), "utf8");

export interface OrderServiceOptions extends DbOptions {
  dbPath: string;
  port: number;
  /** Router secret, caller verification and this service's identity towards the others. */
  security: ServiceSecurity;
  host?: string;
  logLevel?: LogLevel;
}

export interface OrderService extends RunningServer {
  db: OrderDb;
}

export async function startOrderService(options: OrderServiceOptions): Promise<OrderService> {
  const logger = createLogger("order", options.logLevel ?? "info");
  const db = await createOrderDb(options.dbPath, options);
  const reader = new SqliteReader(options.dbPath, options.onQuery);
  const server = await startSubgraphServer({
    name: "order",
    typeDefs,
    // Resolver maps are loosely typed by @apollo/subgraph; the schema is the contract.
    resolvers: resolvers as never,
    context: (_req, identity) => createContext(db, reader, identity),
    ready: async () => {
      await db.$queryRawUnsafe("SELECT 1");
    },
    security: options.security.security,
    auditDbPath: options.dbPath,
    logger,
    host: options.host,
    port: options.port,
    onStop: async () => {
      reader.close();
      await db.$disconnect();
    },
  });
  return { ...server, db };
}
