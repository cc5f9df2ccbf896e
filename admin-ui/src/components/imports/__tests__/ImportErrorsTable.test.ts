import { mount } from "@vue/test-utils";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { nextTick } from "vue";
import ImportErrorsTable, { type ImportErrorRow } from "@/components/imports/ImportErrorsTable.vue";
import { setLocale } from "@/i18n";

const errors: ImportErrorRow[] = [
  { rowNumber: 2, column: null, value: null, reason: "not imported: order_ref K-1 is rejected because rows 3, 4 have errors", code: "ORDER_REJECTED_BY_ROWS", params: JSON.stringify({ order: "K-1", firstRow: 2, rows: [3, 4] }) },
  { rowNumber: 3, column: "quantity", value: "たくさん", reason: "quantity must be a whole number greater than 0", code: "QUANTITY_NOT_POSITIVE_INTEGER", params: "{}" },
  {
    rowNumber: 16,
    column: "unit_price",
    value: "50",
    reason: "the total of row 16 is 50 JPY; a payment must be between 100 and 1,000,000 JPY",
    code: "PAYMENT_AMOUNT_OUT_OF_RANGE",
    params: JSON.stringify({ order: null, firstRow: 16, total: 50, min: 100, max: 1_000_000 }),
  },
  { rowNumber: 20, column: "currency", value: "USD", reason: "currency must be JPY (the services only take JPY)", code: null, params: null },
];

const reasons = (wrapper: ReturnType<typeof mount>) => wrapper.findAll('[data-test="import-error-reason"]').map((r) => [r.text(), r.attributes("lang") ?? null]);

describe("ImportErrorsTable", () => {
  beforeEach(() => setLocale("ja"));
  afterEach(() => setLocale("ja"));

  it("says each coded error in Japanese, with the column it concerns, and an uncoded one in English marked as such", () => {
    const wrapper = mount(ImportErrorsTable, { props: { errors, caption: "取り込めなかった行" } });
    expect(reasons(wrapper)).toEqual([
      ["注文「K-1」は3、4行目にエラーがあるため取り込まれません（この行自体に問題はありません）。", null],
      ["数量は1以上の整数で入力してください。", null],
      ["16行目の注文の合計は￥50です。決済できる金額は￥100〜￥1,000,000です。", null],
      ["currency must be JPY (the services only take JPY)", "en"],
    ]);
    const rows = wrapper.findAll('[data-test="import-error-row"]');
    expect(rows[0]!.text()).toContain("注文全体");
    // What the browser test looks for: the row, the column (in words and as the CSV names it), the value.
    expect(rows[1]!.text()).toContain("3");
    expect(rows[1]!.text()).toContain("数量");
    expect(rows[1]!.text()).toContain("quantity");
    expect(rows[1]!.text()).toContain("たくさん");
  });

  it("says them again in English when the language is switched", async () => {
    const wrapper = mount(ImportErrorsTable, { props: { errors, caption: "Rows" } });
    setLocale("en");
    await nextTick();
    expect(reasons(wrapper).slice(1, 3)).toEqual([
      ["Quantity must be a whole number of 1 or more.", null],
      ["The total of the order of row 16 is ¥50; a payment must be between ¥100 and ¥1,000,000.", null],
    ]);
  });
});
