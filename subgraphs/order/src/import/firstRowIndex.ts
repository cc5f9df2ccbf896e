/**
 * The first row of each order key while a file is staged (rows of one order_ref may be anywhere
 * in the file; the walk takes orders in the order of their first rows).
 */
import type Database from "better-sqlite3";

export interface FirstRowLimits {
  /** Keys held in memory before the index moves to a temporary table. */
  keys: number;
  /** Characters of those keys (an order_ref may be thousands of characters long). */
  chars: number;
}

// About 15 MB of the import worker's heap at most; the 100k-row benchmark (33k orders) never leaves memory.
const DEFAULT_LIMITS: FirstRowLimits = { keys: 250_000, chars: 4_000_000 };

/**
 * A Map while the file has few orders; past `limits` its keys move to a temporary table on disk
 * and each further row costs one SQLite statement, so a file of millions of orders (a hostile one,
 * or millions of rows without order_ref, each its own order) cannot exhaust the worker's heap.
 */
export class FirstRowIndex {
  private readonly map = new Map<string, number>();
  private chars = 0;
  private upsert: Database.Statement | null = null;

  constructor(
    private readonly db: Database.Database,
    private readonly limits: FirstRowLimits = DEFAULT_LIMITS,
  ) {
    db.exec("DROP TABLE IF EXISTS temp.first_rows");
  }

  /** The first row of `key`: `rowNumber` when the key is new (rows come in file order). */
  firstRow(key: string, rowNumber: number): number {
    if (this.upsert) return this.upsert.get(key, rowNumber) as number;
    const known = this.map.get(key);
    if (known !== undefined) return known;
    this.map.set(key, rowNumber);
    this.chars += key.length;
    if (this.map.size >= this.limits.keys || this.chars >= this.limits.chars) this.spill();
    return rowNumber;
  }

  /** True once the keys live on disk. */
  get onDisk(): boolean {
    return this.upsert !== null;
  }

  /** Frees the memory and the table. */
  clear(): void {
    this.map.clear();
    this.chars = 0;
    this.upsert = null;
    this.db.exec("DROP TABLE IF EXISTS temp.first_rows");
  }

  private spill(): void {
    this.db.exec("CREATE TEMP TABLE first_rows (order_key TEXT PRIMARY KEY, first_row INTEGER NOT NULL) WITHOUT ROWID");
    const insert = this.db.prepare("INSERT INTO temp.first_rows VALUES (?, ?)");
    for (const [key, row] of this.map) insert.run(key, row);
    this.map.clear();
    this.chars = 0;
    // An existing key keeps its first row; RETURNING gives it back in the same statement.
    this.upsert = this.db.prepare("INSERT INTO temp.first_rows VALUES (?, ?) ON CONFLICT (order_key) DO UPDATE SET first_row = first_row RETURNING first_row").pluck();
  }
}
