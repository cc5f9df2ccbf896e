/**
 * Architecture: the order status gate (domain/transition.ts) is the only code that writes an
 * order's status — no SQL `UPDATE orders` and no Prisma `order.update*` anywhere else in the
 * service's sources (tests excluded: they set up worlds directly).
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
      .filter((file) => /UPDATE\s+"?orders"?\s/i.test(fs.readFileSync(file, "utf8")) || /\.order\.(update|updateMany|upsert)\s*\(/.test(fs.readFileSync(file, "utf8")))
      .map((file) => path.relative(SRC, file));
    expect(writers).toEqual([path.join("domain", "transition.ts")]);
  });
});
