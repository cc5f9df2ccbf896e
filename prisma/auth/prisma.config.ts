// Prisma CLI configuration for the auth database (the gateways' users, session revocations, rate limits): offline JavaScript engine over better-sqlite3.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";

const here = path.dirname(fileURLToPath(import.meta.url));
// No generator makes a Prisma client (only Kysely types): without this the CLI would fetch a
// query engine library it never uses, and fail offline.
process.env.PRISMA_CLIENT_ENGINE_TYPE ??= "client";
// Same default and variable as the service's own config (service-kit/src/config.ts).
const dbPath = path.resolve(
  process.env.AUTH_DB_PATH ?? path.join(process.env.DATA_DIR ?? path.join(here, "../../data"), "auth.db"),
);

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join(here, "schema.prisma"),
  migrations: { path: path.join(here, "migrations") },
  adapter: async () => new PrismaBetterSQLite3({ url: `file:${dbPath}` }),
});
