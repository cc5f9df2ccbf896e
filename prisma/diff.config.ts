// Prisma CLI configuration for `prisma migrate diff` between two datamodels (the PostgreSQL schema
// generator, service-kit/src/schema/). Prisma 6.19 runs its schema engine offline only through a
// driver-adapter config; the in-memory SQLite adapter lets the wasm engine start and is never
// written to. The CLI needs `schema` to be the datamodel it diffs to, so the caller names it.
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";

// No generator makes a Prisma client (only Kysely types): without this the CLI would fetch a
// query engine library it never uses, and fail offline.
process.env.PRISMA_CLIENT_ENGINE_TYPE ??= "client";
const schema = process.env.OPS_DIFF_SCHEMA;
if (!schema) throw new Error("OPS_DIFF_SCHEMA must name the schema.prisma to diff to");

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema,
  adapter: async () => new PrismaBetterSQLite3({ url: ":memory:" }),
});
