/**
 * Name search at a million orders. `order_name_grams` holds every two-character piece of each
 * order's name key with the order's time, id and total (kept by triggers). A search walks the
 * entries of the key's rarest piece — newest first, as the list shows them — checks the other
 * pieces and then the whole key, and stops when the page is full; a two-character key (山田, the
 * common case) is one piece, so its count and sum come from that piece's entries alone.
 */
import type { OrderConn } from "../db/index.js";
import { gramCounts } from "../db/nameSearch.js";
import type { NameMatch } from "../db/orderList.js";

/** The distinct two-character pieces of a name key (code points, as SQLite's substr counts). */
export function nameGrams(key: string): string[] {
  const chars = [...key];
  const grams = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) grams.add(chars[i]! + chars[i + 1]!);
  return [...grams];
}

/** How to find the orders whose name key holds `key`; null for a one-character key (no piece to look up). */
export async function nameSearch(conn: OrderConn, key: string): Promise<NameMatch | null> {
  const grams = nameGrams(key);
  if (grams.length === 0) return null;
  // The rarest piece narrows most: count each, walk the smallest.
  const counts = await gramCounts(conn, grams);
  const rarest = [...grams].sort((a, b) => (counts.get(a) ?? 0) - (counts.get(b) ?? 0))[0]!;
  return { key, rarest, others: grams.filter((g) => g !== rarest).slice(0, 7), exact: grams.length === 1 };
}
