/**
 * Architecture: the payment status gate (domain/paymentGate.ts) is the only code that writes a
 * payment's status — its one statement lives in db/paymentStatus.ts, which nothing else imports;
 * no other source updates the payments table — and every payment row is inserted PENDING (tests
 * excluded).
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

const updatesPayments = (text: string) => /UPDATE\s+"?payments"?\s/i.test(text) || /updateTable\(\s*["']payments["']/.test(text);

describe("the payment status gate", () => {
  it("is the only code that writes the payments table's status, through db/paymentStatus.ts", () => {
    const writers = sources(SRC).filter((file) => updatesPayments(read(file)));
    expect(writers.map(relative)).toEqual([path.join("db", "paymentStatus.ts")]);
    const callers = sources(SRC).filter((file) => /from\s+["'][./]*(db\/)?paymentStatus\.js["']/.test(read(file)));
    expect(callers.map(relative)).toEqual([path.join("domain", "paymentGate.ts")]);
  });

  it("leaves no other code inserting a payment in a status other than PENDING", () => {
    const inserts = sources(SRC).filter((file) => /INSERT\s+INTO\s+"?payments"?\s/i.test(read(file)) || /insertInto\(\s*["']payments["']|insertMany\([^)]*["']payments["']/.test(read(file)));
    expect(inserts.map(relative)).toEqual([path.join("db", "payments.ts")]);
    // Both inserts there (one payment, an import's payments) name the status literally.
    expect(read(inserts[0]!).match(/status: "pending"/g)).toHaveLength(2);
  });
});
