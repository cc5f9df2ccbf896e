import { describe, expect, it } from "vitest";
import { importMessageText, importReasonText, type CodedImportError, type ReasonFormat } from "@/domain/importReasons";
import { translator, type Locale } from "@/i18n";
import { formatCount, formatYen } from "@/i18n/format";
// The composed API: the codes ImportError.code documents.
import supergraph from "../../../../gateway/supergraph.graphql?raw";

const format = (locale: Locale): ReasonFormat => ({
  t: translator(locale),
  yen: (n) => formatYen(n, locale),
  count: (n) => formatCount(n, locale),
  list: (items) => items.join(locale === "ja" ? "、" : ", "),
});
const ja = format("ja");
const en = format("en");

const coded = (code: string, params: object = {}, reason = "the English reason"): CodedImportError => ({ code, params: JSON.stringify(params), reason });
const say = (error: CodedImportError, f = ja) => importReasonText(error, f);

describe("importReasonText", () => {
  it.each<[string, object, string]>([
    ["REQUIRED", { column: "customer_email" }, "メールアドレスを入力してください。"],
    ["REQUIRED", { column: "quantity" }, "数量を入力してください。"],
    ["TOO_LONG", { column: "customer_name", max: 200 }, "お客様名は200文字以内にしてください。"],
    ["TOO_LONG", { column: "order_ref", max: 1000 }, "注文番号（order_ref）は1,000文字以内にしてください。"],
    ["INVALID_EMAIL", {}, "メールアドレスの形式が正しくありません（例: taro@example.jp）。"],
    ["INVALID_TEXT", { column: "customer_name", reason: "controlCharacter", position: 2, character: "U+0000" }, "お客様名の3文字目に使えない制御文字（U+0000）があります。取り除いてください。"],
    ["INVALID_TEXT", { column: "product_name", reason: "bidiControl", position: 0, character: "U+202E" }, "商品名の1文字目に、文字の表示順を変える制御文字（U+202E）があります。取り除いてください。"],
    ["INVALID_TEXT", { column: "customer_email", reason: "loneSurrogate", position: 1999, character: "U+D800" }, "メールアドレスの2,000文字目に、文字として読めないデータ（U+D800）があります。取り除いてください。"],
    ["QUANTITY_NOT_POSITIVE_INTEGER", {}, "数量は1以上の整数で入力してください。"],
    ["UNIT_PRICE_NOT_POSITIVE_YEN", { fraction: false }, "単価は1円以上の整数（円）で入力してください。"],
    ["UNIT_PRICE_NOT_POSITIVE_YEN", { fraction: true }, "単価に小数は使えません（円に1円未満の単位はありません）。1円以上の整数で入力してください。"],
    ["QUANTITY_TOO_LARGE", { max: 10_000 }, "数量は1明細あたり10,000までです。"],
    ["UNIT_PRICE_TOO_LARGE", { max: 10_000_000 }, "単価は￥10,000,000までです。"],
    ["LINE_TOTAL_TOO_LARGE", { max: 100_000_000 }, "数量×単価が、1件の注文の合計の上限￥100,000,000を超えています。"],
    // Recorded before the per-order limits: no max.
    ["LINE_TOTAL_TOO_LARGE", {}, "数量×単価の金額が大きすぎます。"],
    ["CURRENCY_NOT_JPY", {}, "通貨は日本円のみ扱えます。JPY と書くか、空欄にしてください。"],
    ["INVALID_PAYMENT_METHOD", { maxLength: 50 }, "支払い方法は credit_card のように、英字で始まり英字・数字・下線（_）が続く1〜50文字で入力してください。"],
    ["INVALID_PAYMENT_STATUS", {}, "支払い状態は completed（完了）か pending（処理待ち）にしてください。"],
    ["ORDER_REJECTED_BY_ROWS", { order: "K-1", firstRow: 2, rows: [4] }, "注文「K-1」は4行目にエラーがあるため取り込まれません（この行自体に問題はありません）。"],
    ["ORDER_REJECTED_BY_ROWS", { order: "K-1", firstRow: 2, rows: [3, 4, 1200] }, "注文「K-1」は3、4、1,200行目にエラーがあるため取り込まれません（この行自体に問題はありません）。"],
    ["ORDER_FIELD_MISMATCH", { order: "F-1", firstRow: 12, column: "customer_email" }, "メールアドレスが注文「F-1」の最初の行（12行目）と違います。同じ注文の行はすべて同じにしてください。"],
    ["ORDER_TOTAL_TOO_LARGE", { order: "G-1", firstRow: 14, total: 120_000_000, max: 100_000_000 }, "注文「G-1」の合計は￥120,000,000です。1件の注文の合計は￥100,000,000までです。"],
    ["ORDER_TOTAL_TOO_LARGE", { order: "G-1", firstRow: 14 }, "注文「G-1」の合計金額が大きすぎます。"],
    ["ORDER_TOO_MANY_ITEMS", { order: "M-1", firstRow: 21, items: 101, max: 100 }, "注文「M-1」は101品目あります。1件の注文は100品目までです。注文を分けてください。"],
    ["PAYMENT_AMOUNT_OUT_OF_RANGE", { order: "X", firstRow: 5, total: 50, min: 100, max: 1_000_000 }, "注文「X」の合計は￥50です。決済できる金額は￥100〜￥1,000,000です。"],
    ["PAYMENT_AMOUNT_OUT_OF_RANGE", { order: null, firstRow: 16, total: 1_200_000, min: 100, max: 1_000_000 }, "16行目の注文の合計は￥1,200,000です。決済できる金額は￥100〜￥1,000,000です。"],
    ["ORDER_REJECTED_BY_OTHER_ROWS", { order: "F-1", firstRow: 12 }, "注文「F-1」はほかの行にエラーがあるため取り込まれません（この行自体に問題はありません）。"],
    ["ORDER_TOO_MANY_ITEMS", { order: "BIG", firstRow: 2, items: 10_000, max: 100 }, "注文「BIG」は10,000品目あります。1件の注文は100品目までです。注文を分けてください。"],
  ])("says %s %j in Japanese", (code, params, text) => {
    expect(say(coded(code, params))).toEqual({ text, lang: null });
  });

  it("says them in English when the operator reads English, with the English column names and number formats", () => {
    expect(say(coded("REQUIRED", { column: "customer_email" }), en).text).toBe("Email address is required.");
    expect(say(coded("INVALID_TEXT", { column: "customer_name", reason: "bidiControl", position: 4, character: "U+202E" }), en).text).toBe(
      "Customer name has a character that changes the display order of text (U+202E) at character 5: remove it.",
    );
    expect(say(coded("ORDER_REJECTED_BY_ROWS", { order: "K-1", firstRow: 2, rows: [4] }), en).text).toBe("Not imported: row 4 of order K-1 has errors (this row itself is fine).");
    expect(say(coded("ORDER_REJECTED_BY_ROWS", { order: "K-1", firstRow: 2, rows: [3, 4] }), en).text).toBe("Not imported: rows 3, 4 of order K-1 have errors (this row itself is fine).");
    expect(say(coded("PAYMENT_AMOUNT_OUT_OF_RANGE", { order: null, firstRow: 16, total: 50, min: 100, max: 1_000_000 }), en)).toEqual({
      text: "The total of the order of row 16 is ¥50; a payment must be between ¥100 and ¥1,000,000.",
      lang: null,
    });
    expect(say(coded("ORDER_TOTAL_TOO_LARGE", { order: "G-1", firstRow: 14, total: 120_000_000, max: 100_000_000 }), en).text).toBe(
      "The total of order G-1 is ¥120,000,000; an order may total at most ¥100,000,000.",
    );
    expect(say(coded("QUANTITY_TOO_LARGE", { max: 10_000 }), en).text).toBe("Quantity is at most 10,000 per item.");
    expect(say(coded("ORDER_TOO_MANY_ITEMS", { order: null, firstRow: 7, items: 101, max: 100 }), en).text).toBe("There are 101 items in the order of row 7; an order holds at most 100. Split it into several orders.");
  });

  it("keeps the English reason, marked as English, for an error without a code (recorded before codes existed)", () => {
    const reason = "quantity must be a whole number greater than 0";
    expect(say({ reason })).toEqual({ text: reason, lang: "en" });
    expect(say({ reason, code: null, params: null })).toEqual({ text: reason, lang: "en" });
  });

  it("keeps the English reason for a code newer than this UI, or params it cannot use", () => {
    expect(say(coded("SOMETHING_NEW", {}, "a new rule"))).toEqual({ text: "a new rule", lang: "en" });
    expect(say({ code: "REQUIRED", params: "not json", reason: "r1" })).toEqual({ text: "r1", lang: "en" });
    expect(say({ code: "REQUIRED", params: "[1]", reason: "r2" })).toEqual({ text: "r2", lang: "en" });
    expect(say(coded("REQUIRED", {}, "r3"))).toEqual({ text: "r3", lang: "en" });
    expect(say(coded("PAYMENT_AMOUNT_OUT_OF_RANGE", { order: "X", firstRow: 2, total: "50", min: 100, max: 1 }, "r4"))).toEqual({ text: "r4", lang: "en" });
    expect(say(coded("ORDER_REJECTED_BY_ROWS", { order: "X", firstRow: 2, rows: [] }, "r5"))).toEqual({ text: "r5", lang: "en" });
    expect(say(coded("INVALID_TEXT", { column: "customer_name", reason: "somethingNew", position: 1, character: "U+0000" }, "r6"))).toEqual({ text: "r6", lang: "en" });
  });

  it("names a column the UI does not know as the CSV does", () => {
    expect(say(coded("REQUIRED", { column: "gift_wrap" })).text).toBe("gift_wrapを入力してください。");
  });

  it("says every code the API documents, in both languages", () => {
    const type = supergraph.slice(supergraph.indexOf("type ImportError"));
    const documented = [...type.slice(0, type.indexOf("code: String")).matchAll(/^\s+- ([A-Z_]+) \{/gm)].map((m) => m[1]!);
    expect(documented.length).toBeGreaterThan(10);
    // Params enough for any code's message.
    const params = { column: "quantity", max: 200, maxLength: 40, fraction: false, order: "A-1", firstRow: 2, rows: [3], total: 50, min: 100, items: 101, reason: "controlCharacter", position: 0, character: "U+0000" };
    for (const code of documented) {
      for (const f of [ja, en]) {
        const said = say(coded(code, params), f);
        expect(said.lang, code).toBeNull();
        expect(said.text, code).not.toMatch(/[{}]/);
      }
    }
  });
});

describe("importMessageText", () => {
  const ended = (messageCode: string | null, params: object | null, message = "The English message.") => ({ message, messageCode, messageParams: params === null ? null : JSON.stringify(params) });

  it("says why an import ended in the operator's language, with its figures", () => {
    expect(importMessageText(ended("CSV_MISSING_COLUMNS", { columns: ["customer_name", "unit_price"] }), ja)).toEqual({
      text: "見出し行に必須の列 お客様名、単価 がないため、取り込めませんでした。列名を確認してください。",
      lang: null,
    });
    expect(importMessageText(ended("ATOMIC_REFUSED", { failedOrders: 1200 }), en)?.text).toBe(
      "“Import only if every row is valid” was chosen and 1,200 order(s) have errors, so nothing was written. Fix the rows in the error report and import again.",
    );
    expect(importMessageText(ended("CSV_FORMAT", { row: 12 }), ja)?.text).toContain("12行目");
    expect(importMessageText(ended("CSV_FORMAT", { line: 7 }), en)?.text).toContain("from row 7 on");
    expect(importMessageText(ended("CSV_ROW_TOO_MANY_FIELDS", { row: 3, max: 64 }), ja)).toEqual({
      text: "3行目の列が多すぎるため、取り込めませんでした（1行64列まで）。注文の取込ファイルか、余分な区切り（カンマ）がないか確認してください。",
      lang: null,
    });
    expect(importMessageText(ended("CSV_CELL_TOO_LONG", { row: 1001, max: 4096 }), en)?.text).toBe(
      'A cell of row 1,001 is longer than 4,096 characters, so nothing was imported. A quote (") that never closes makes the rest of the file one cell.',
    );
    expect(importMessageText(ended("CSV_ROW_TOO_LONG", { row: 2, max: 65_536 }), ja)?.text).toBe("2行目が長すぎるため、取り込めませんでした（1行65,536文字まで）。");
    expect(importMessageText(ended("CSV_ENCODING_INVALID", { row: 4, encoding: "utf-8" }), ja)?.text).toBe(
      "4行目に、ファイルの文字コード UTF-8 では読めない文字があります（別の文字コードのファイルから貼り付けた行など）。ファイル全体を UTF-8 か Shift_JIS（CP932）のどちらか一つで保存し直してください。",
    );
    expect(importMessageText(ended("CSV_ENCODING_INVALID", { row: 3, encoding: "cp932" }), en)?.text).toMatch(/^Row 3 holds characters that are not valid Shift_JIS \(CP932\), the file's encoding/);
    expect(importMessageText(ended("DRY_RUN", {}), ja)?.text).toBe("ドライランのため、何も書き込んでいません。");
  });

  it("keeps the English message for no code, an unknown code or unusable params, and says nothing without a message", () => {
    expect(importMessageText(ended(null, null), ja)).toEqual({ text: "The English message.", lang: "en" });
    expect(importMessageText(ended("SOMETHING_NEW", {}), ja)).toEqual({ text: "The English message.", lang: "en" });
    expect(importMessageText(ended("CSV_MISSING_COLUMNS", { columns: [] }), ja)).toEqual({ text: "The English message.", lang: "en" });
    expect(importMessageText({ ...ended("CSV_FORMAT", {}), messageParams: "not json" }, ja)).toEqual({ text: "The English message.", lang: "en" });
    expect(importMessageText({ message: null, messageCode: null, messageParams: null }, ja)).toBeNull();
  });

  it("has a message in both languages for every code the API documents", () => {
    const doc = supergraph.slice(supergraph.indexOf("`message` as a stable code"));
    const codes = [...doc.slice(0, doc.indexOf('"""')).matchAll(/\b([A-Z][A-Z_]{3,})\b/g)].map((m) => m[1]!);
    expect(codes.length).toBeGreaterThanOrEqual(8);
    for (const code of new Set(codes)) {
      expect(translator("ja")(`import.message.${code}` as never), code).not.toContain("import.message");
    }
  });
});
