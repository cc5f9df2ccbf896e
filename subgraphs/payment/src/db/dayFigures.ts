/** `payment_day_figures`: revenue ('completed') and refunds ('refunded') per Japan day, kept by triggers. */
import type { Queries } from "./database.js";

export interface DayFigure {
  day: string;
  kind: "completed" | "refunded";
  count: number;
  amount: number;
}

/** The figures of the days from `from` to `to` (Japan calendar days, inclusive), one statement. */
export async function dayFigures(q: Queries, from: string, to: string): Promise<DayFigure[]> {
  const rows = await q.selectFrom("payment_day_figures").select(["day", "kind", "count", "amount"]).where("day", ">=", from).where("day", "<=", to).execute();
  return rows.map((r) => ({ day: r.day, kind: r.kind as DayFigure["kind"], count: Number(r.count), amount: Number(r.amount) }));
}
