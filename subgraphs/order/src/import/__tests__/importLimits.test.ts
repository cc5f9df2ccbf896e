/** Files a hostile operator or a real spreadsheet sends, imported through HTTP. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mustQuery } from "@ops/service-kit/testing";
import { HEADER, startImportWorld, type ImportWorld } from "./importWorld.js";

let world: ImportWorld;
beforeAll(async () => {
  world = await startImportWorld();
});
afterAll(() => world?.stop());

const csv = (...lines: string[]) => `${[HEADER, ...lines].join("\r\n")}\r\n`;
const count = (sql: string, ...params: unknown[]) => world.sql<{ n: number }>(sql, ...params)[0]!.n;

interface CodedError {
  rowNumber: number;
  column: string | null;
  code: string | null;
  params: string | null;
}

/** Every error of an import, paged through the API. */
async function errorsOf(id: string): Promise<CodedError[]> {
  const all: CodedError[] = [];
  let after: string | null = null;
  for (;;) {
    const { import: job }: { import: any } = await mustQuery(
      world.service.url,
      `query($id: ID!, $after: String) { import(id: $id) { errors(first: 500, after: $after) { edges { node { rowNumber column code params } } pageInfo { hasNextPage endCursor } } } }`,
      { id, after },
    );
    all.push(...job.errors.edges.map((e: { node: CodedError }) => e.node));
    if (!job.errors.pageInfo.hasNextPage) return all;
    after = job.errors.pageInfo.endCursor;
  }
}

describe("items per order", () => {
  const items = (ref: string, n: number, from = 1) => Array.from({ length: n }, (_, i) => `${ref},${ref.toLowerCase()}@example.jp,品目 多い,茶 ${from + i},1,100,JPY,,`);

  it("rejects an order of 101 items, every row reported, and imports the others", async () => {
    const result = await world.importFile(csv("A-1,a1@example.jp,普通 注文,茶,1,500,JPY,credit_card,", ...items("BIG", 101), ...items("MAX", 100), "Z-1,z@example.jp,最後 注文,茶,2,300,JPY,,"), {}, "items.csv");
    expect(result).toMatchObject({ status: "COMPLETED_WITH_ERRORS", totalRows: 203, ordersCreated: 3, successCount: 102, failureCount: 101 });
    const errors = await errorsOf(result.id);
    expect(errors.map((e) => e.rowNumber)).toEqual(Array.from({ length: 101 }, (_, i) => 3 + i));
    expect(new Set(errors.map((e) => `${e.code} ${e.params}`))).toEqual(new Set([`ORDER_TOO_MANY_ITEMS ${JSON.stringify({ order: "BIG", firstRow: 3, items: 101, max: 100 })}`]));
    expect(world.sql("SELECT order_key FROM orders WHERE batch_id = ? ORDER BY id", result.batchId)).toEqual([{ order_key: "A-1" }, { order_key: "MAX" }, { order_key: "Z-1" }]);
    expect(count("SELECT COUNT(*) AS n FROM order_items WHERE order_id IN (SELECT id FROM orders WHERE batch_id = ?)", result.batchId)).toBe(1 + 100 + 1);
  });

  it("counts an order of 30,000 rows spread over the file without collecting it, and reports each row once", async () => {
    // Its rows come in two runs with another order between them, past one page of the walk.
    const result = await world.importFile(csv(...items("HUGE", 20_000), "B-1,b@example.jp,普通 注文,茶,1,500,JPY,,", ...items("HUGE", 10_000, 20_001)), {}, "huge.csv");
    expect(result).toMatchObject({ status: "COMPLETED_WITH_ERRORS", totalRows: 30_001, ordersCreated: 1, successCount: 1, failureCount: 30_000 });
    const rows = world.sql<{ n: number; distinct_rows: number; first: number; last: number }>(
      "SELECT COUNT(*) AS n, COUNT(DISTINCT row_number) AS distinct_rows, MIN(row_number) AS first, MAX(row_number) AS last FROM import_errors WHERE import_id = ? AND code = 'ORDER_TOO_MANY_ITEMS' AND params = ?",
      Number(result.id),
      JSON.stringify({ order: "HUGE", firstRow: 2, items: 30_000, max: 100 }),
    );
    expect(rows).toEqual([{ n: 30_000, distinct_rows: 30_000, first: 2, last: 30_002 }]);
    expect(count("SELECT COUNT(*) AS n FROM import_errors WHERE import_id = ?", Number(result.id))).toBe(30_000);
    expect(world.sql("SELECT order_key FROM orders WHERE batch_id = ?", result.batchId)).toEqual([{ order_key: "B-1" }]);
  }, 60_000);
});
