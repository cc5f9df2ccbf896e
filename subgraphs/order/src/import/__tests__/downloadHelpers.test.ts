import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import iconv from "iconv-lite";
import { afterAll, describe, expect, it } from "vitest";
import { attachment, sanitiseFilename } from "../contentDisposition.js";
import { createDownloadLimiter } from "../downloadLimiter.js";
import { writeFailedRows } from "../failedRows.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ops-failed-rows-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The header value's filename* decoded, and its ASCII fallback. */
function names(header: string): { fallback: string; name: string } {
  const m = /^attachment; filename="([A-Za-z0-9._-]+)"; filename\*=UTF-8''([A-Za-z0-9%!#$&+\-.^_`|~]+)$/.exec(header);
  expect(m, header).not.toBeNull();
  return { fallback: m![1]!, name: decodeURIComponent(m![2]!) };
}

describe("Content-Disposition", () => {
  it("offers the real name as UTF-8 and an ASCII fallback, per RFC 6266", () => {
    expect(attachment("受注データ-errors.csv", "import-12-errors.csv")).toBe(
      "attachment; filename=\"import-12-errors.csv\"; filename*=UTF-8''%E5%8F%97%E6%B3%A8%E3%83%87%E3%83%BC%E3%82%BF-errors.csv",
    );
    expect(names(attachment("orders.csv"))).toEqual({ fallback: "orders.csv", name: "orders.csv" });
  });

  it("lets no quote, semicolon, line break, control, bidi or path character through", () => {
    for (const hostile of ['";filename=evil.bat', "a\r\nX-Evil: 1.csv", "..\\..\\boot.ini", "/etc/passwd", "invoice\u202Efdp.exe", "tab\there\u0000.csv", "'(*)'.csv"]) {
      const header = attachment(hostile, hostile);
      const { fallback, name } = names(header);
      expect(name).not.toMatch(/[\u0000-\u001f\u007f\u202e"\\/;:]/);
      expect(fallback).toMatch(/^[A-Za-z0-9._-]+$/);
      expect(header).not.toMatch(/[\r\n]/);
    }
    expect(sanitiseFilename("invoice\u202Efdp.exe")).toBe("invoicefdp.exe");
    expect(sanitiseFilename(' .."a";b. ')).toBe("_a__b");
  });

  it("keeps a long name's extension within 150 characters", () => {
    const name = sanitiseFilename(`${"長".repeat(400)}.csv`);
    expect([...name]).toHaveLength(150);
    expect(name.endsWith(".csv")).toBe(true);
  });
});

describe("download slots", () => {
  it("gives each owner at most max slots, freed once each", () => {
    const limiter = createDownloadLimiter(2);
    const a = limiter.acquire("user:a")!;
    const b = limiter.acquire("user:a")!;
    expect(limiter.acquire("user:a")).toBeNull();
    expect(limiter.acquire("user:b")).not.toBeNull();
    a();
    a();
    expect(limiter.running("user:a")).toBe(1);
    expect(limiter.acquire("user:a")).not.toBeNull();
    b();
    expect(limiter.running("user:a")).toBe(1);
  });
});

describe("failed rows by merge", () => {
  /** Writes `content` and returns the failed rows of it for `failed`, with pages of `pageSize`. */
  async function failedRowsOf(content: string | Buffer, failed: number[], pageSize: number) {
    const file = path.join(dir, `f-${Math.random()}.csv`);
    fs.writeFileSync(file, content);
    const calls: number[] = [];
    const pager = async (after: number, limit: number) => {
      calls.push(after);
      return failed.filter((n) => n > after).slice(0, limit);
    };
    let out = "";
    await writeFailedRows(fs.createReadStream(file), pager, async (text) => void (out += text), pageSize);
    return { out, calls };
  }

  it("writes the header and exactly the failed records, across pages, neutralised, keyed when they had no order_ref", async () => {
    const rows = ["order_ref,customer_email,customer_name,product_name,quantity,unit_price"];
    for (let i = 2; i <= 40; i++) rows.push(`${i % 5 ? `R-${i}` : ""},u${i}@example.jp,=cmd|' /C calc'!A${i},"茶, ""特選""\n${i}",${i % 7 ? 1 : -1},500`);
    const failed = [3, 4, 5, 17, 18, 19, 20, 33];
    // Multi-line quoted fields: a record's number is not its physical line; the parser's says which.
    const recordNumbers: number[] = [];
    const { CsvParser } = await import("../csv/index.js");
    const parser = new CsvParser();
    parser.push(`${rows.join("\r\n")}\r\n`, (_f, n) => recordNumbers.push(n));
    parser.end((_f, n) => recordNumbers.push(n));
    const wanted = failed.map((k) => recordNumbers[k - 1]!);
    const { out, calls } = await failedRowsOf(`${rows.join("\r\n")}\r\n`, wanted, 3);
    // Quoted fields hold LF only: CRLF ends records.
    const lines = out.split("\r\n").filter(Boolean);
    expect(lines[0]).toBe("order_ref,customer_email,customer_name,product_name,quantity,unit_price");
    expect(lines).toHaveLength(1 + failed.length);
    for (const [k, line] of lines.slice(1).entries()) {
      const i = failed[k]!;
      const ref = i % 5 ? `R-${i}` : `#${wanted[k]}`;
      expect(line).toBe(`${ref},u${i}@example.jp,'=cmd|' /C calc'!A${i},"茶, ""特選""\n${i}",${i % 7 ? 1 : "'-1"},500`);
    }
    // Pages of three, fetched as the walk reached them; the short third page was the last.
    expect(calls).toEqual([1, wanted[2], wanted[5]]);
  });

  it("reads a CP932 file and adds order_ref when the file had none", async () => {
    const text = "customer_email,customer_name,product_name,quantity,unit_price\r\na@example.jp,髙橋 ソウタ,表示,1,500\r\nb@example.jp,能登,①塩,0,500\r\n";
    const { out } = await failedRowsOf(iconv.encode(text, "cp932"), [3], 100);
    expect(out).toBe("order_ref,customer_email,customer_name,product_name,quantity,unit_price\r\n#3,b@example.jp,能登,①塩,0,500\r\n");
  });
});
