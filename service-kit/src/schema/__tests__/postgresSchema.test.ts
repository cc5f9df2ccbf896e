import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASE_NAMES } from "../../config.js";
import { migrate } from "../../data/migrate.js";
import { prismaDiff } from "../prismaDiff.js";
import { postgresDdlFrom, postgresDir, postgresSchemaFrom } from "../postgresSchema.js";

const read = (file: string) => fs.readFileSync(file, "utf8");

describe("the PostgreSQL schema is written from schema.prisma", () => {
  it.each(DATABASE_NAMES)("%s: postgres/schema.prisma is current (run npm run pg:schema)", (service) => {
    const source = read(path.join(postgresDir(service), "..", "schema.prisma"));
    expect(read(path.join(postgresDir(service), "schema.prisma"))).toBe(postgresSchemaFrom(source, service));
  });

  it("widens ids, integers and money to BIGINT and keeps timestamps UTC", () => {
    const ddl = postgresDdlFrom('CREATE TABLE "t" (\n    "id" SERIAL NOT NULL,\n    "n" INTEGER,\n    "yen" DOUBLE PRECISION NOT NULL,\n    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP\n);\nALTER TABLE "t" ADD COLUMN "m" INTEGER;\n');
    expect(ddl).toBe('CREATE TABLE "t" (\n    "id" BIGSERIAL NOT NULL,\n    "n" BIGINT,\n    "yen" BIGINT NOT NULL,\n    "at" TIMESTAMP(3) NOT NULL DEFAULT (CURRENT_TIMESTAMP AT TIME ZONE \'UTC\')\n);\nALTER TABLE "t" ADD COLUMN "m" BIGINT;\n');
  });

  it("refuses a column type it has no rule for", () => {
    expect(() => postgresDdlFrom('ALTER TABLE "t" ADD COLUMN "d" DECIMAL(65,30);')).toThrow(/no PostgreSQL widening rule for DECIMAL/);
  });
});

// The tables that only hand-written SQL makes (figures, name grams) are models too, so the typed
// SQL layer gets their types: Prisma's own DDL for schema.prisma must build the database the
// migrations build, i.e. the migration Prisma would generate is empty.
describe("schema.prisma describes the migrated SQLite database", () => {
  let dir: string;
  beforeAll(() => void (dir = fs.mkdtempSync(path.join(os.tmpdir(), "ops-schema-"))));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  function shape(db: Database.Database) {
    const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('_prisma_migrations', 'sqlite_sequence') ORDER BY name`).all() as Array<{ name: string }>).map((t) => t.name);
    return Object.fromEntries(tables.map((t) => [t, {
      columns: db.prepare(`SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info(?) ORDER BY name`).all(t),
      indexes: (db.prepare(`SELECT name, "unique" FROM pragma_index_list(?) WHERE origin = 'c' ORDER BY name`).all(t) as Array<{ name: string; unique: number }>)
        .map((i) => ({ ...i, columns: (db.prepare(`SELECT name FROM pragma_index_info(?) ORDER BY seqno`).all(i.name) as Array<{ name: string }>).map((c) => c.name) })),
      foreignKeys: db.prepare(`SELECT "table", "from", "to", on_delete FROM pragma_foreign_key_list(?) ORDER BY "from"`).all(t),
    }]));
  }

  it.each(DATABASE_NAMES)("%s", async (service) => {
    const file = path.join(dir, `${service}.db`);
    await migrate(service, { kind: "sqlite", path: file });
    const migrated = new Database(file, { readonly: true });
    const fromSchema = new Database(":memory:");
    try {
      fromSchema.exec(await prismaDiff(null, read(path.join(postgresDir(service), "..", "schema.prisma"))));
      expect(shape(migrated)).toEqual(shape(fromSchema));
    } finally {
      migrated.close();
      fromSchema.close();
    }
  });
});
