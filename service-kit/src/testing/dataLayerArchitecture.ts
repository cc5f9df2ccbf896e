/**
 * The architecture rule of DESIGN section 9, as a test every service runs on its own sources:
 * `db/` is the only code that touches the database — no other file imports Kysely or a driver or
 * writes SQL, and no file reaches the database any older way (Prisma, SqliteReader, BulkDb,
 * better-sqlite3, json_each).
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const FORBIDDEN_EVERYWHERE: [string, RegExp][] = [
  ["the Prisma client", /generated\/prisma|@prisma\/client|PrismaClient/],
  ["SqliteReader", /\bSqliteReader\b/],
  ["BulkDb", /\bBulkDb\b|\bopenBulkDb\b/],
  ["better-sqlite3", /["']better-sqlite3["']/],
  ["json_each", /json_each/i],
];

const FORBIDDEN_OUTSIDE_DB: [string, RegExp][] = [
  ["Kysely", /from ["']kysely["']/],
  ["the PostgreSQL driver", /from ["']pg["']/],
  ["SQL", /\b(SELECT\s+[\w*"]+[\s\S]{0,400}?\bFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM)\b/],
];

/** The service's TypeScript sources below `dir`, generated code and tests left out. */
function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "generated" || entry.name === "__tests__" ? [] : sources(full);
    return entry.name.endsWith(".ts") ? [full] : [];
  });
}

/**
 * Declares the data-layer tests for the service whose sources are in `srcDir`; `knownDbFile`
 * (e.g. "orders.ts") proves the walk found its `db/` folder, so an empty walk cannot pass.
 */
export function describeDataLayer(service: string, srcDir: string, knownDbFile: string): void {
  const files = sources(srcDir).map((file) => ({ name: path.relative(srcDir, file), text: fs.readFileSync(file, "utf8") }));
  const outsideDb = files.filter((f) => !f.name.startsWith(`db${path.sep}`));

  describe(`the ${service} service's data layer`, () => {
    it("finds the files it checks", () => {
      expect(files.some((f) => f.name === path.join("db", knownDbFile))).toBe(true);
      expect(outsideDb.some((f) => f.name === "server.ts")).toBe(true);
    });

    it.each(FORBIDDEN_EVERYWHERE)("no file uses %s", (_what, pattern) => {
      expect(files.filter((f) => pattern.test(f.text)).map((f) => f.name)).toEqual([]);
    });

    it.each(FORBIDDEN_OUTSIDE_DB)("only db/ uses %s", (_what, pattern) => {
      expect(outsideDb.filter((f) => pattern.test(f.text)).map((f) => f.name)).toEqual([]);
    });
  });
}
