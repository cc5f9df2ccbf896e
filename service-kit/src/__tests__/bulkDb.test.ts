/**
 * The bulk connection (bulkDb.ts): statements are reported each time they are obtained, `write`
 * commits or rolls back as a whole, optionally reports its transactions, and waits for another
 * connection's write lock without blocking the event loop.
 */
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openBulkDb, type BulkDb } from "../bulkDb.js";
import { QueryCounter } from "../db.js";
import { tempDir } from "../testing/index.js";

const INSERT = "INSERT INTO items (name) VALUES (?)";
const COUNT = "SELECT COUNT(*) AS n FROM items";

let temp: ReturnType<typeof tempDir>;
let dbPath: string;
beforeAll(() => {
  temp = tempDir("bulkdb-test-");
  dbPath = path.join(temp.dir, "bulk.db");
  const setup = new Database(dbPath);
  setup.exec("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL)");
  setup.close();
});
afterAll(() => temp.cleanup());

function open(options: Parameters<typeof openBulkDb>[1] = {}): { bulk: BulkDb; queries: QueryCounter } {
  const queries = new QueryCounter();
  return { bulk: openBulkDb(dbPath, { onQuery: queries.record, ...options }), queries };
}

const count = (bulk: BulkDb) => (bulk.statement(COUNT).get() as { n: number }).n;

describe("openBulkDb", () => {
  it("caches statements and reports each `statement()` call, but no transaction markers by default", async () => {
    const { bulk, queries } = open();
    try {
      expect(bulk.statement(INSERT)).toBe(bulk.statement(INSERT));
      queries.reset();
      await bulk.write(() => {
        for (const name of ["a", "b", "c"]) bulk.statement(INSERT).run(name);
      });
      expect(queries.statements).toEqual([INSERT, INSERT, INSERT]);
    } finally {
      bulk.close();
    }
  });

  it("with reportTransactions, brackets a committed write with BEGIN IMMEDIATE … COMMIT and a failed one with … ROLLBACK", async () => {
    const { bulk, queries } = open({ reportTransactions: true });
    try {
      const before = count(bulk);
      queries.reset();
      await bulk.write(() => bulk.statement(INSERT).run("d"));
      expect(queries.statements).toEqual(["BEGIN IMMEDIATE", INSERT, "COMMIT"]);

      queries.reset();
      await expect(
        bulk.write(() => {
          bulk.statement(INSERT).run("e");
          throw new Error("no");
        }),
      ).rejects.toThrow("no");
      expect(queries.statements).toEqual(["BEGIN IMMEDIATE", INSERT, "ROLLBACK"]);
      expect(count(bulk)).toBe(before + 1);
    } finally {
      bulk.close();
    }
  });

  it("waits for another connection's write lock asynchronously, then commits", async () => {
    const { bulk, queries } = open({ reportTransactions: true });
    const other = new Database(dbPath);
    try {
      const before = count(bulk);
      other.exec("BEGIN IMMEDIATE");
      let ticks = 0;
      const timer = setInterval(() => (ticks += 1), 1);
      setTimeout(() => other.exec("COMMIT"), 60);
      queries.reset();
      await bulk.write(() => bulk.statement(INSERT).run("f"));
      clearInterval(timer);
      // The event loop ran meanwhile (the other transaction committed from a timer).
      expect(ticks).toBeGreaterThan(0);
      expect(count(bulk)).toBe(before + 1);
      // Busy tries report nothing: only the transaction that ran.
      expect(queries.statements.filter((s) => s === "BEGIN IMMEDIATE")).toHaveLength(1);
    } finally {
      other.close();
      bulk.close();
    }
  });

  it("gives up with SQLITE_BUSY after busyTimeoutMs", async () => {
    const { bulk } = open({ busyTimeoutMs: 50 });
    const other = new Database(dbPath);
    try {
      other.exec("BEGIN IMMEDIATE");
      await expect(bulk.write(() => bulk.statement(INSERT).run("g"))).rejects.toMatchObject({ code: expect.stringMatching(/^SQLITE_BUSY/) });
      other.exec("ROLLBACK");
    } finally {
      other.close();
      bulk.close();
    }
  });
});
