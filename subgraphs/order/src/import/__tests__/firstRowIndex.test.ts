import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { FirstRowIndex } from "../firstRowIndex.js";

let db: Database.Database;
afterEach(() => db?.close());

/** The first row of each row's key, as a plain Map gives it. */
function expected(keys: string[]): number[] {
  const first = new Map<string, number>();
  return keys.map((key, i) => {
    if (!first.has(key)) first.set(key, i + 2);
    return first.get(key)!;
  });
}

describe("FirstRowIndex", () => {
  // Orders whose rows are spread over the file, rows without order_ref (#row), long refs.
  const keys = Array.from({ length: 400 }, (_, i) => (i % 7 === 0 ? `#${i + 2}` : i % 5 === 0 ? `R-${"x".repeat(300)}-${i % 11}` : `K-${i % 37}`));

  it("gives each key its first row, in memory", () => {
    db = new Database(":memory:");
    const index = new FirstRowIndex(db);
    expect(keys.map((k, i) => index.firstRow(k, i + 2))).toEqual(expected(keys));
    expect(index.onDisk).toBe(false);
  });

  it.each([
    ["keys", { keys: 10, chars: 1_000_000 }],
    ["characters", { keys: 1_000_000, chars: 2_000 }],
  ])("gives the same first rows after moving to disk past its limit of %s, and frees both on clear", (_label, limits) => {
    db = new Database(":memory:");
    const index = new FirstRowIndex(db, limits);
    expect(keys.map((k, i) => index.firstRow(k, i + 2))).toEqual(expected(keys));
    expect(index.onDisk).toBe(true);
    index.clear();
    expect(db.prepare("SELECT COUNT(*) FROM temp.sqlite_master WHERE name = 'first_rows'").pluck().get()).toBe(0);
    // Usable again, from memory, for the next import on the same connection.
    expect(index.firstRow("K-1", 2)).toBe(2);
    expect(index.onDisk).toBe(false);
  });
});
