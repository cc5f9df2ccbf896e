/**
 * The index of each order key's first row, on a real database (SQLite or PostgreSQL with
 * `npm run test:pg`), on one connection as the import worker has it: in memory, then in a
 * temporary table past its limits, with the same answers either way.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshTarget, tempDir } from "@ops/service-kit/testing";
import { openOrderDb, type OrderServiceDb } from "../../db/index.js";
import { FirstRowIndex } from "../firstRowIndex.js";

const world = tempDir("ops-first-rows-test-");
let database: OrderServiceDb;
beforeAll(async () => {
  database = await openOrderDb(await freshTarget("order", world.dir), { poolSize: 1 });
});
afterAll(async () => {
  await database?.close();
  world.cleanup();
});

/** The first row of each row's key, as a plain Map gives it. */
function expected(keys: string[]): number[] {
  const first = new Map<string, number>();
  return keys.map((key, i) => {
    if (!first.has(key)) first.set(key, i + 2);
    return first.get(key)!;
  });
}

/** Feeds `keys` (rows 2…) to `index` in batches of `batch`, spilling as the import does. */
async function feed(index: FirstRowIndex, keys: string[], batch: number): Promise<number[]> {
  const out: number[] = [];
  for (let start = 0; start < keys.length; start += batch) {
    const rows = keys.slice(start, start + batch).map((key, i) => ({ key, rowNumber: start + i + 2 }));
    out.push(
      ...(await database.transaction(async (trx) => {
        const firsts = await index.firstRows(trx, rows);
        if (index.full) await index.spill(trx);
        return firsts;
      })),
    );
    if (index.full) index.spilled();
  }
  return out;
}

/** Whether the temporary table exists on the job's connection. */
async function tableExists(): Promise<boolean> {
  const probe = database.dialect === "sqlite" ? sql`SELECT COUNT(*) AS n FROM temp.sqlite_master WHERE name = 'import_first_rows'` : sql`SELECT COUNT(*) AS n FROM pg_tables WHERE tablename = 'import_first_rows' AND schemaname LIKE 'pg_temp%'`;
  const { rows } = await database.transaction((trx) => probe.execute(trx));
  return Number((rows[0] as { n: unknown }).n) > 0;
}

describe("FirstRowIndex", () => {
  // Orders whose rows are spread over the file, rows without order_ref (#row), long refs.
  const keys = Array.from({ length: 400 }, (_, i) => (i % 7 === 0 ? `#${i + 2}` : i % 5 === 0 ? `R-${"x".repeat(300)}-${i % 11}` : `K-${i % 37}`));

  it("gives each key its first row, in memory", async () => {
    const index = new FirstRowIndex();
    expect(await feed(index, keys, 64)).toEqual(expected(keys));
    expect(index.onDisk).toBe(false);
    expect(await tableExists()).toBe(false);
  });

  it.each([
    ["keys", { keys: 10, chars: 1_000_000 }],
    ["characters", { keys: 1_000_000, chars: 2_000 }],
  ])("gives the same first rows after moving to disk past its limit of %s, and frees both on clear", async (_label, limits) => {
    const index = new FirstRowIndex(limits);
    expect(await feed(index, keys, 64)).toEqual(expected(keys));
    expect(index.onDisk).toBe(true);
    expect(await tableExists()).toBe(true);
    await index.clear(database.db);
    expect(await tableExists()).toBe(false);
    // Usable again, from memory, for the next import on the same connection.
    expect(await feed(index, ["K-1", "K-1"], 10)).toEqual([2, 2]);
    expect(index.onDisk).toBe(false);
  });
});
