import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import iconv from "iconv-lite";
import { afterAll, describe, expect, it } from "vitest";
import { CsvFormatError, CsvInvalidEncodingError, CsvLimitError, MissingColumnsError, readCsvFile, type ParsedRow, type ReadCsvOptions, type RowError } from "../index.js";

const dir = mkdtempSync(join(tmpdir(), "csv-read-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileNo = 0;
function writeCsv(content: string | Buffer): string {
  const path = join(dir, `file${++fileNo}.csv`);
  writeFileSync(path, content);
  return path;
}

const HEADER = "order_ref,customer_email,customer_name,product_name,quantity,unit_price,currency,payment_method,payment_status";
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

async function read(path: string, options: ReadCsvOptions = {}) {
  const rows: ParsedRow[] = [];
  const errors: RowError[] = [];
  const cells: string[][] = [];
  const summary = await readCsvFile(
    path,
    (result, fields) => {
      cells.push([...fields]);
      if (result.ok) rows.push(result.row);
      else errors.push(...result.errors);
    },
    options,
  );
  return { summary, rows, errors, cells };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected a rejection");
}

// Names and products CP932 can hold, with 0x5C second bytes (表, ソ, 能, 予) and vendor characters.
// CP932 has no ¥ apart from 0x5C: Excel saves ¥1,200 as \1,200, which must still read as 1200.
const JAPANESE_ROWS = [
  ["A-1", "hyou@example.jp", "表 ソ太郎", "能面 ① 予約", "1", "１，２００", "", "credit_card", ""],
  ["A-1", "hyou@example.jp", "表 ソ太郎", "㈱ソニー製品", "2", '"¥1,200"', "", "credit_card", ""],
  ["B-2", "takahashi@example.jp", "髙橋 \uFA10子", "ｶﾀｶﾅ商品", " 3 ", "1200円", "JPY", "", ""],
];

describe("readCsvFile", () => {
  it("reads a UTF-8 file with LF and reports its encoding and counts", async () => {
    const path = writeCsv([HEADER, ...JAPANESE_ROWS.map((r) => r.join(","))].join("\n") + "\n");
    const { summary, rows, errors } = await read(path);
    expect(errors).toEqual([]);
    expect(summary).toEqual({ encoding: "utf-8", dataRows: 3, validRows: 3, invalidRows: 0, unknownColumns: [], rowCount: 4, bytesRead: statSync(path).size });
    expect(rows.map((r) => [r.rowNumber, r.customerName, r.productName, r.quantity, r.unitPrice])).toEqual([
      [2, "表 ソ太郎", "能面 ① 予約", 1, 1200],
      [3, "表 ソ太郎", "㈱ソニー製品", 2, 1200],
      [4, "髙橋 \uFA10子", "ｶﾀｶﾅ商品", 3, 1200],
    ]);
  });

  it("reads a UTF-8 file with BOM and CRLF; the BOM does not stick to the first header name", async () => {
    const path = writeCsv(Buffer.concat([BOM, Buffer.from([HEADER, ...JAPANESE_ROWS.map((r) => r.join(","))].join("\r\n") + "\r\n")]));
    const { summary, rows } = await read(path);
    expect(summary.encoding).toBe("utf-8-bom");
    expect(summary.unknownColumns).toEqual([]);
    expect(rows.map((r) => r.orderRef)).toEqual(["A-1", "A-1", "B-2"]);
  });

  it("reads CP932 as Excel in Japan writes it: 0x5C second bytes, NEC/IBM vendor characters, half-width katakana", async () => {
    const text = [HEADER, ...JAPANESE_ROWS.map((r) => r.join(","))].join("\r\n") + "\r\n";
    const bytes = iconv.encode(text, "cp932");
    expect(bytes.includes(0x5c)).toBe(true);
    for (const chunkSize of [undefined, 1, 7]) {
      const { summary, rows, errors } = await read(writeCsv(bytes), { chunkSize });
      expect(errors).toEqual([]);
      expect(summary.encoding).toBe("cp932");
      expect(rows.map((r) => [r.customerName, r.productName])).toEqual(JAPANESE_ROWS.map((r) => [r[2], r[3]]));
    }
  });

  it("detects CP932 even when the first chunk is plain ASCII", async () => {
    const ascii = Array.from({ length: 40 }, (_, i) => `R${i},a${i}@example.jp,Ann,Tea,1,100,,,`);
    const bytes = iconv.encode([HEADER, ...ascii, JAPANESE_ROWS[2]!.join(",")].join("\r\n"), "cp932");
    const { summary, rows } = await read(writeCsv(bytes), { chunkSize: 256 });
    expect(summary.encoding).toBe("cp932");
    expect(rows.at(-1)!.customerName).toBe("髙橋 \uFA10子");
  });

  it("gives the same rows for a UTF-8 file read in 1-, 5- and 7-byte chunks (BOM and characters cut)", async () => {
    const path = writeCsv(Buffer.concat([BOM, Buffer.from([HEADER, ...JAPANESE_ROWS.map((r) => r.join(","))].join("\r\n"))]));
    const whole = await read(path);
    for (const chunkSize of [1, 5, 7]) {
      const { summary, rows } = await read(path, { chunkSize });
      expect(rows).toEqual(whole.rows);
      expect(summary).toEqual(whole.summary);
    }
  });

  it("numbers rows as a spreadsheet does across quoted newlines and blank lines, skipping blank and empty-cell lines", async () => {
    const lines = [
      "customer_email,customer_name,product_name,quantity,unit_price", // 1
      'a@example.jp,"Sato, Taro","Tea ""Gyokuro""",1,100', // 2
      'b@example.jp,Ann,"Gift box', // 3: one row across two lines
      'with a card",1,100',
      "", // 4
      ",,,,", // 5
      "   ", // 6
      "c@example.jp,Ben,Cup,0,100", // 7
      "d@example.jp,Cho,Pot,1,100", // 8, no newline after it
    ];
    const { summary, rows, errors } = await read(writeCsv(lines.join("\r\n")));
    expect(rows.map((r) => [r.rowNumber, r.customerName, r.productName])).toEqual([
      [2, "Sato, Taro", 'Tea "Gyokuro"'],
      [8, "Cho", "Pot"],
    ]);
    // The quoted line break is read into the cell, and a product name is one line (the text rule).
    expect(errors).toEqual([
      { rowNumber: 3, column: "product_name", value: "Gift box\r\nwith a card", reason: "product_name contains a control character (U+000D) at position 8; remove it", code: "INVALID_TEXT", params: { column: "product_name", reason: "controlCharacter", position: 8, character: "U+000D" } },
      { rowNumber: 7, column: "quantity", value: "0", reason: "quantity must be a whole number greater than 0", code: "QUANTITY_NOT_POSITIVE_INTEGER", params: {} },
    ]);
    expect(summary).toMatchObject({ dataRows: 4, validRows: 2, invalidRows: 2, rowCount: 8 });
  });

  it("reports every rule with its row number, column and reason", async () => {
    const path = writeCsv(
      [
        HEADER, // 1
        "R1,bad-email,Ann,Tea,1,100,JPY,,", // 2
        "R2,a@example.jp,,Tea,1,100,JPY,,", // 3
        "R3,a@example.jp,Ann,,1,100,JPY,,", // 4
        "R4,a@example.jp,Ann,Tea,1.5,100,JPY,,", // 5
        "R5,a@example.jp,Ann,Tea,1,12.5,JPY,,", // 6
        "R6,a@example.jp,Ann,Tea,1,-100,JPY,,", // 7
        "R7,a@example.jp,Ann,Tea,1,100,USD,,", // 8
        "R8,a@example.jp,Ann,Tea,1,100,JPY,credit card,", // 9
        "R9,a@example.jp,Ann,Tea,1,100,JPY,paypay,paid", // 10
        "R10,a@example.jp", // 11
      ].join("\n"),
    );
    const { errors, summary } = await read(path);
    expect(errors.map((e) => [e.rowNumber, e.column, e.reason])).toEqual([
      [2, "customer_email", "customer_email is not a valid e-mail address"],
      [3, "customer_name", "customer_name is required"],
      [4, "product_name", "product_name is required"],
      [5, "quantity", "quantity must be a whole number greater than 0"],
      [6, "unit_price", "unit_price must be a whole number of yen greater than 0 (JPY has no fractions)"],
      [7, "unit_price", "unit_price must be a whole number of yen greater than 0"],
      [8, "currency", "currency must be JPY (the services only take JPY)"],
      [9, "payment_method", "payment_method must be an identifier such as credit_card: a letter, then up to 49 letters, digits or underscores"],
      [10, "payment_status", "payment_status must be completed or pending"],
      [11, "customer_name", "customer_name is required"],
      [11, "product_name", "product_name is required"],
      [11, "quantity", "quantity is required"],
      [11, "unit_price", "unit_price is required"],
    ]);
    expect(summary).toMatchObject({ dataRows: 10, validRows: 0, invalidRows: 10 });
  });

  it("takes headers in another order, upper case, with spaces and full-width, and reports unknown columns once", async () => {
    const header = " Note ,ＵＮＩＴ＿ＰＲＩＣＥ,  QUANTITY ,Product_Name,Customer_Name,CUSTOMER_EMAIL,メモ";
    const path = writeCsv([header, ...Array.from({ length: 5 }, (_, i) => `n${i},"1,000",${i + 1},Tea,Ann,Ann@Example.jp,m`)].join("\n"));
    const seen: number[] = [];
    const { summary, rows, cells } = await read(path, { onHeader: (h, line) => seen.push(line, h.unknown.length) });
    expect(summary.unknownColumns).toEqual(["Note", "メモ"]);
    expect(seen).toEqual([1, 2]);
    expect(rows.map((r) => [r.quantity, r.unitPrice, r.customerEmail])).toEqual(Array.from({ length: 5 }, (_, i) => [i + 1, 1000, "ann@example.jp"]));
    expect(cells[0]).toEqual(["n0", "1,000", "1", "Tea", "Ann", "Ann@Example.jp", "m"]);
  });

  it("fails at once, naming the missing required columns, before any row or further chunk", async () => {
    const body = Array.from({ length: 2000 }, (_, i) => `R${i},a@example.jp,Ann,1,100`).join("\n");
    const path = writeCsv("order_ref,customer_email,customer_name,quantity,unit_price\n" + body);
    let rowsSeen = 0;
    const progress: number[] = [];
    const error = await rejection(readCsvFile(path, () => rowsSeen++, { chunkSize: 1024, onProgress: (b) => void progress.push(b) }));
    expect(error).toBeInstanceOf(MissingColumnsError);
    expect(error.message).toBe("the CSV header lacks the required column product_name");
    expect((error as MissingColumnsError).missing).toEqual(["product_name"]);
    expect(rowsSeen).toBe(0);
    expect(progress).toEqual([]);
  });

  it("refuses an empty file as missing its header", async () => {
    const error = await rejection(read(writeCsv("\r\n\r\n")));
    expect(error).toBeInstanceOf(MissingColumnsError);
    expect(error.message).toMatch(/the file is empty/);
  });

  it("refuses a quoted cell that never closes, naming its row", async () => {
    const error = await rejection(read(writeCsv(`${HEADER}\nR1,a@example.jp,Ann,Tea,1,100,,,\nR2,a@example.jp,"Ann,Tea,1,100,,,\nR3,b@example.jp,Ben,Tea,1,100,,,\n`)));
    expect(error).toBeInstanceOf(CsvFormatError);
    expect((error as CsvFormatError).rowNumber).toBe(3);
  });

  it("refuses a file that changes encoding after a UTF-8 start, naming the first row that is not UTF-8", async () => {
    const bytes = Buffer.concat([
      Buffer.from(`${HEADER}\nR1,a@example.jp,佐藤,Tea,1,100,,,\nR2,"b@example.jp","Sato\nTaro",Tea,1,100,,,\n`),
      iconv.encode("R3,c@example.jp,表 ソ太郎,Tea,1,100,,,\nR4,d@example.jp,佐藤,Tea,1,100,,,\n", "cp932"),
    ]);
    for (const chunkSize of [undefined, 16, 1]) {
      const error = await rejection(read(writeCsv(bytes), { chunkSize }));
      expect(error).toBeInstanceOf(CsvInvalidEncodingError);
      expect(error).toMatchObject({ code: "CSV_ENCODING_INVALID", rowNumber: 4, encoding: "utf-8" });
      expect(error.message).toMatch(/^row 4 is not valid UTF-8, the encoding of the file/);
    }
  });

  it("refuses Shift_JIS bytes that CP932 does not map, and a UTF-8 character cut at the end of the file", async () => {
    const cp932 = Buffer.concat([iconv.encode(`${HEADER}\r\nR1,a@example.jp,表 太郎,茶,1,100,,,\r\n`, "cp932"), Buffer.from([0x52, 0x32, 0x2c, 0xa0, 0x2c, 0x0d, 0x0a])]);
    expect(await rejection(read(writeCsv(cp932)))).toMatchObject({ code: "CSV_ENCODING_INVALID", rowNumber: 3, encoding: "cp932" });
    const cut = Buffer.from(`${HEADER}\nR1,a@example.jp,佐藤,Tea,1,100,,,\nR2,b@example.jp,表`).subarray(0, -1);
    expect(await rejection(read(writeCsv(cut)))).toMatchObject({ code: "CSV_ENCODING_INVALID", rowNumber: 3, encoding: "utf-8" });
  });

  it("refuses U+FFFD in a UTF-8 file: the mark of names already damaged by a conversion", async () => {
    const error = await rejection(read(writeCsv(`${HEADER}\nR1,a@example.jp,佐藤,Tea,1,100,,,\nR2,b@example.jp,\uFFFD\uFFFD 太郎,Tea,1,100,,,\n`)));
    expect(error).toMatchObject({ code: "CSV_ENCODING_INVALID", rowNumber: 3, encoding: "utf-8" });
  });

  it("refuses a record beyond the limits, naming its row, before reading on", async () => {
    const path = writeCsv(`${HEADER}\nR1,a@example.jp,Ann,Tea,1,100,,,\n${",".repeat(5_000_000)}\nR3,b@example.jp,Ben,Tea,1,100,,,\n`);
    const { error, seen } = await (async () => {
      let rows = 0;
      const err = await rejection(readCsvFile(path, () => rows++));
      return { error: err, seen: rows };
    })();
    expect(error).toBeInstanceOf(CsvLimitError);
    expect(error).toMatchObject({ code: "CSV_ROW_TOO_MANY_FIELDS", rowNumber: 3, max: 64 });
    expect(seen).toBe(1);
    const long = await rejection(read(writeCsv(`${HEADER}\nR1,a@example.jp,Ann,${"茶".repeat(300)},1,100,,,\n`), { limits: { maxCellLength: 256 } }));
    expect(long).toMatchObject({ code: "CSV_CELL_TOO_LONG", rowNumber: 2, max: 256 });
  });

  it("reports progress in bytes after each chunk and waits for a promise it returns", async () => {
    const path = writeCsv([HEADER, ...Array.from({ length: 300 }, (_, i) => `R${i},a@example.jp,Ann,Tea,1,100,,,`)].join("\n"));
    const progress: [number, number][] = [];
    let rows = 0;
    await readCsvFile(path, () => rows++, {
      chunkSize: 4096,
      onProgress: async (bytes) => {
        progress.push([bytes, rows]);
        await new Promise((resolve) => setTimeout(resolve, 1));
      },
    });
    const size = statSync(path).size;
    expect(progress.length).toBe(Math.ceil(size / 4096));
    expect(progress.at(-1)![0]).toBe(size);
    expect(progress.map(([b]) => b)).toEqual([...progress.map(([b]) => b)].sort((a, b) => a - b));
    expect(progress[0]![1]).toBeGreaterThan(0);
  });

  it("stops when its signal is aborted", async () => {
    const path = writeCsv([HEADER, ...Array.from({ length: 5000 }, (_, i) => `R${i},a@example.jp,Ann,Tea,1,100,,,`)].join("\n"));
    const controller = new AbortController();
    let rows = 0;
    const error = await rejection(
      readCsvFile(
        path,
        () => {
          if (++rows === 10) controller.abort(new Error("cancelled by the operator"));
        },
        { signal: controller.signal, chunkSize: 1024 },
      ),
    );
    expect(error.message).toBe("cancelled by the operator");
    expect(rows).toBeLessThan(100);
  });
});
