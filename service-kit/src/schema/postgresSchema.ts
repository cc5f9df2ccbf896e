/**
 * The PostgreSQL side of a service's one schema source: `prisma/<service>/schema.prisma` (SQLite)
 * rewritten for PostgreSQL, and Prisma's PostgreSQL DDL for it widened to the column types the
 * SQLite database has (every integer 64-bit, whole yen exact past 2^31, UTC timestamps).
 */
import path from "node:path";
import { REPO_ROOT, type DatabaseName } from "../config.js";

/** Where a service's generated PostgreSQL schema and its migrations live. */
export function postgresDir(service: DatabaseName): string {
  return path.join(REPO_ROOT, "prisma", service, "postgres");
}

const HEADER = (service: DatabaseName) =>
  `// GENERATED from ../schema.prisma by \`npm run pg:schema\`: do not edit (a test checks it is current).\n` +
  `// The ${service === "auth" ? "auth database" : `${service} service`}'s models for PostgreSQL. The tables are made by ./migrations (see README,\n` +
  `// "Running on PostgreSQL"): those use BIGINT where Int and Float stand here.\n`;

/**
 * Rewrites a service's SQLite schema for PostgreSQL: the datasource's provider, and no Kysely
 * generator (its types come from the SQLite schema and are the same).
 */
export function postgresSchemaFrom(sqliteSchema: string, service: DatabaseName): string {
  const blocks = sqliteSchema.replace(/^\/\/ .*service database.*\n/, "");
  let out = blocks.replace(/(\/\/[^\n]*\n)*datasource db \{[^}]*\}/, [
    "datasource db {",
    '  provider = "postgresql"',
    "  // The runner (service-kit/src/data/migrate.ts) takes the URL from the environment; this one",
    "  // only keeps the CLI from looking for a native engine.",
    '  url      = "postgresql://localhost/unused"',
    "}",
  ].join("\n"));
  out = out.replace(/(\/\/[^\n]*\n)*generator kysely \{[^}]*\}\n/, "").replace(/\n{3,}/g, "\n\n");
  if (out === blocks || !out.includes('provider = "postgresql"')) throw new Error(`${service}: schema.prisma has no datasource block to rewrite`);
  return HEADER(service) + out;
}

// Prisma's PostgreSQL types for our scalar fields, and what the SQLite database actually holds.
const WIDEN: Array<[RegExp, string]> = [
  // SQLite's INTEGER PRIMARY KEY AUTOINCREMENT is 64-bit: ids past 2^31.
  [/ SERIAL(?=[ ,;\n])/g, " BIGSERIAL"],
  // Every SQLite integer is 64-bit: sums (order_figures.amount) and references to ids alike.
  [/ INTEGER(?=[ ,;\n])/g, " BIGINT"],
  // Float fields are money: whole yen, exact (Yen scalar; SQLite holds them exactly to 2^53).
  [/ DOUBLE PRECISION(?=[ ,;\n])/g, " BIGINT"],
  // Timestamps are UTC whatever the server's or the session's time zone.
  [/ DEFAULT CURRENT_TIMESTAMP/g, " DEFAULT (CURRENT_TIMESTAMP AT TIME ZONE 'UTC')"],
];

/**
 * Widens Prisma's PostgreSQL DDL (`prisma migrate diff --script`) to the SQLite database's types.
 * Enums stay PostgreSQL enums: Prisma's PostgreSQL client casts its parameters to them, and a
 * value outside the enum is refused (SQLite stores any text there; nothing of ours writes one).
 * Refuses DDL with a type it has no rule for, so a new kind of field is decided, not guessed.
 */
export function postgresDdlFrom(prismaSql: string): string {
  let out = prismaSql;
  for (const [pattern, replacement] of WIDEN) out = out.replace(pattern, replacement);
  const unknown = out.match(/ (SERIAL|INTEGER|DOUBLE PRECISION|SMALLINT|DECIMAL|JSONB)\b/);
  if (unknown) throw new Error(`no PostgreSQL widening rule for ${unknown[1]}: add one to postgresSchema.ts`);
  return out;
}
