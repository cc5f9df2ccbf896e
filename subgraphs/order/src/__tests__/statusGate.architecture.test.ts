/**
 * Architecture: the order status gate (domain/transition.ts) is the only code that writes an
 * order's status — its statement lives in db/orders.ts (`moveOrderStatuses`), which only the gate
 * calls; no other `UPDATE orders`, Kysely `updateTable("orders")` or Prisma `order.update*`
 * anywhere in the service's sources (tests excluded: they set up worlds directly).
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "__tests__" || e.name === "generated" ? [] : sources(full);
    return /\.ts$/.test(e.name) && !/\.test\.ts$/.test(e.name) ? [full] : [];
  });
}

describe("the order status gate", () => {
  it("is the only code that writes the orders table's status", () => {
    const writers = sources(SRC)
      .filter((file) => {
        const text = fs.readFileSync(file, "utf8");
        return /UPDATE\s+"?orders"?\s/i.test(text) || /updateTable\(\s*"orders"\s*\)/.test(text) || /\.order\.(update|updateMany|upsert)\s*\(/.test(text);
      })
      .map((file) => path.relative(SRC, file))
      .sort();
    expect(writers).toEqual([path.join("db", "orders.ts")]);
    const callers = sources(SRC)
      .filter((file) => /moveOrderStatuses\(/.test(fs.readFileSync(file, "utf8")))
      .map((file) => path.relative(SRC, file))
      .sort();
    expect(callers).toEqual([path.join("db", "orders.ts"), path.join("domain", "transition.ts")]);
  });
});
