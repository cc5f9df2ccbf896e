/** `order_name_grams`: every two-character piece of each order's name key (kept by triggers). */
import type { OrderConn } from "./index.js";
import { helpersOf } from "./index.js";

/** How many orders hold each of `grams` (an index range per piece, one statement). */
export async function gramCounts(conn: OrderConn, grams: readonly string[]): Promise<Map<string, number>> {
  if (grams.length === 0) return new Map();
  const rows = await conn
    .selectFrom("order_name_grams")
    .select((eb) => ["gram", eb.fn.countAll<number>().as("n")])
    .where(helpersOf(conn).inTexts("gram", grams))
    .groupBy("gram")
    .execute();
  return new Map(rows.map((r) => [r.gram, Number(r.n)]));
}
