/**
 * Architecture: the payment status gate (domain/paymentGate.ts) is the only code that writes a
 * payment's status — no SQL `UPDATE payments` and no Prisma `payment.update*` anywhere else in the
 * service's sources, and every payment row is inserted PENDING (tests excluded).
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

const read = (file: string) => fs.readFileSync(file, "utf8");
const relative = (file: string) => path.relative(SRC, file);

describe("the payment status gate", () => {
  it("is the only code that writes the payments table's status", () => {
    const writers = sources(SRC).filter((file) => /UPDATE\s+"?payments"?\s/i.test(read(file)) || /\.payment\.(update|updateMany|upsert)\s*\(/.test(read(file)));
    expect(writers.map(relative)).toEqual([path.join("domain", "paymentGate.ts")]);
  });

  it("leaves no other code inserting a payment in a status other than PENDING", () => {
    // The import's multi-row INSERT names its status literally; Prisma's create takes the default.
    const inserts = sources(SRC).filter((file) => /INSERT\s+INTO\s+"?payments"?\s/i.test(read(file)));
    expect(inserts.map(relative)).toEqual([path.join("domain", "importPayments.ts")]);
    expect(read(inserts[0]!)).toMatch(/\(\?, \?, \?, 'pending', \?, \?, @batch, @now, @now\)/);
    const creates = sources(SRC).filter((file) => /\.payment\.create\s*\(\s*\{[^}]*status/.test(read(file)));
    expect(creates).toEqual([]);
  });
});
