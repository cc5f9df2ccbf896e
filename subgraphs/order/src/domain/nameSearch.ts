/**
 * Name search at a million orders. `order_name_grams` holds every two-character piece of each
 * order's name key with the order's time, id and total (kept by triggers). A search walks the
 * entries of the key's rarest piece — newest first, as the list shows them — checks the other
 * pieces and then the whole key, and stops when the page is full; a two-character key (山田, the
 * common case) is one piece, so its count and sum come from that piece's entries alone.
 */
import type { SqlParam, SqliteReader } from "@ops/service-kit";

export interface NameSearch {
  /** FROM clause: the rarest piece's entries joined to their orders (`g` aliases the pieces). */
  from: string;
  /** Conditions (and their parameters) that select the orders whose name holds the key. */
  where: string[];
  params: SqlParam[];
  /** True when the piece alone decides (a two-character key): no check of the whole name. */
  exact: boolean;
  rarest: string;
}

/** The distinct two-character pieces of a name key (code points, as SQLite's substr counts). */
export function nameGrams(key: string): string[] {
  const chars = [...key];
  const grams = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) grams.add(chars[i]! + chars[i + 1]!);
  return [...grams];
}

/** How to find the orders whose name key holds `key`; null for a one-character key (no piece to look up). */
export function nameSearch(reader: SqliteReader, key: string): NameSearch | null {
  const grams = nameGrams(key);
  if (grams.length === 0) return null;
  // The rarest piece narrows most: count each (an index range per piece), walk the smallest.
  const counts = new Map(
    reader
      .all<{ gram: string; n: number }>(`SELECT gram, COUNT(*) AS n FROM order_name_grams WHERE gram IN (SELECT value FROM json_each(?)) GROUP BY gram`, JSON.stringify(grams))
      .map((r) => [r.gram, r.n]),
  );
  const rarest = [...grams].sort((a, b) => (counts.get(a) ?? 0) - (counts.get(b) ?? 0))[0]!;
  const others = grams.filter((g) => g !== rarest).slice(0, 7);
  return {
    from: "order_name_grams g CROSS JOIN orders ON orders.id = g.order_id",
    where: [
      "g.gram = ?",
      ...others.map(() => "EXISTS (SELECT 1 FROM order_name_grams g2 WHERE g2.gram = ? AND g2.at = g.at AND g2.order_id = g.order_id)"),
      ...(grams.length > 1 ? ["instr(customer_name_key, ?) > 0"] : []),
    ],
    params: [rarest, ...others, ...(grams.length > 1 ? [key] : [])],
    exact: grams.length === 1,
    rarest,
  };
}
