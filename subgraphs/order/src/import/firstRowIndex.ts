/**
 * The first row of each order key while a file is staged (rows of one order_ref may be anywhere
 * in the file; the walk takes orders in the order of their first rows).
 */
import { addFirstRows, createFirstRows, dropFirstRows, knownFirstRows } from "../db/importRun.js";
import type { OrderConn } from "../db/index.js";

export interface FirstRowLimits {
  /** Keys held in memory before the index moves to a temporary table. */
  keys: number;
  /** Characters of those keys (an order_ref may be thousands of characters long). */
  chars: number;
}

// About 15 MB of the import worker's heap at most; the 100k-row benchmark (33k orders) never leaves memory.
const DEFAULT_LIMITS: FirstRowLimits = { keys: 250_000, chars: 4_000_000 };

/**
 * A Map while the file has few orders; past `limits` its keys move to a temporary table of the
 * job's connection and each batch of rows costs two statements, so a file of millions of orders
 * (a hostile one, or millions of rows without order_ref, each its own order) cannot exhaust the
 * worker's heap.
 */
export class FirstRowIndex {
  private readonly map = new Map<string, number>();
  private chars = 0;
  private disk = false;

  constructor(private readonly limits: FirstRowLimits = DEFAULT_LIMITS) {}

  /**
   * The first row of each of `rows`' keys, in order: its own row when the key is new (rows come
   * in file order). Runs inside the caller's write transaction; running it again after that
   * transaction was rolled back gives the same answers.
   */
  async firstRows(trx: OrderConn, rows: readonly { key: string; rowNumber: number }[]): Promise<number[]> {
    if (!this.disk) {
      return rows.map(({ key, rowNumber }) => {
        const known = this.map.get(key);
        if (known !== undefined) return known;
        this.map.set(key, rowNumber);
        this.chars += key.length;
        return rowNumber;
      });
    }
    // The batch's own first occurrences, then those of earlier batches, in one statement.
    const inBatch = new Map<string, number>();
    for (const { key, rowNumber } of rows) if (!inBatch.has(key)) inBatch.set(key, rowNumber);
    const known = await knownFirstRows(trx, [...inBatch.keys()]);
    const added = [...inBatch].filter(([key]) => !known.has(key));
    await addFirstRows(
      trx,
      added.map(([order_key, first_row]) => ({ order_key, first_row })),
    );
    return rows.map(({ key }) => known.get(key) ?? inBatch.get(key)!);
  }

  /** True when the keys in memory have passed the limits: `spill` them. */
  get full(): boolean {
    return !this.disk && (this.map.size >= this.limits.keys || this.chars >= this.limits.chars);
  }

  /**
   * Writes the keys in memory to the temporary table (inside the caller's write transaction);
   * `spilled()` frees them once that transaction has committed.
   */
  async spill(trx: OrderConn): Promise<void> {
    await createFirstRows(trx);
    await addFirstRows(
      trx,
      Array.from(this.map, ([order_key, first_row]) => ({ order_key, first_row })),
    );
  }

  /** The spill committed: the keys now live on disk only. */
  spilled(): void {
    this.map.clear();
    this.chars = 0;
    this.disk = true;
  }

  /** True once the keys live on disk. */
  get onDisk(): boolean {
    return this.disk;
  }

  /** Frees the memory and the table. */
  async clear(conn: OrderConn): Promise<void> {
    this.map.clear();
    this.chars = 0;
    this.disk = false;
    await dropFirstRows(conn);
  }
}
