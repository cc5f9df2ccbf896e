import { mount } from "@vue/test-utils";
import { beforeEach, describe, expect, it } from "vitest";
import ItemsEditor from "@/components/orders/ItemsEditor.vue";
import { emptyItem, type ItemDraft } from "@/domain/orderItems";
import { setLocale } from "@/i18n";

function mountEditor(items: ItemDraft[] = [emptyItem()]) {
  const wrapper = mount(ItemsEditor, {
    props: {
      modelValue: items,
      "onUpdate:modelValue": (value: ItemDraft[]) => void wrapper.setProps({ modelValue: value }),
    },
  });
  return wrapper;
}

async function fill(wrapper: ReturnType<typeof mountEditor>, row: number, field: "productName" | "quantity" | "unitPrice", value: string) {
  const input = wrapper.get(`input[name="items.${row}.${field}"]`);
  await input.setValue(value);
  await input.trigger("blur");
}

const total = (wrapper: ReturnType<typeof mountEditor>) => wrapper.get('[data-test="items-total"]').text();

describe("ItemsEditor", () => {
  beforeEach(() => setLocale("ja"));

  it("totals quantity × unit price as rows are typed, added and removed", async () => {
    const wrapper = mountEditor();
    await fill(wrapper, 0, "productName", "静岡県産 深蒸し煎茶 100g");
    await fill(wrapper, 0, "quantity", "2");
    await fill(wrapper, 0, "unitPrice", "1280");
    expect(total(wrapper)).toBe("￥2,560");
    expect(wrapper.get('[data-subtotal="0"]').text()).toBe("￥2,560");

    await wrapper.get('[data-test="add-item"]').trigger("click");
    expect(wrapper.findAll("tbody tr")).toHaveLength(2);
    await fill(wrapper, 1, "productName", "急須");
    await fill(wrapper, 1, "quantity", "1");
    await fill(wrapper, 1, "unitPrice", "３，５００");
    expect(total(wrapper)).toBe("￥6,060");

    await wrapper.get('button[aria-label="2行目を削除"]').trigger("click");
    expect(wrapper.findAll("tbody tr")).toHaveLength(1);
    expect(total(wrapper)).toBe("￥2,560");
  });

  it("refuses a zero quantity and a fractional price, says why by field, and leaves the row out of the total", async () => {
    const wrapper = mountEditor();
    await fill(wrapper, 0, "productName", "煎茶");
    await fill(wrapper, 0, "quantity", "2");
    await fill(wrapper, 0, "unitPrice", "1000");
    await wrapper.get('[data-test="add-item"]').trigger("click");
    await fill(wrapper, 1, "productName", "湯呑み");
    await fill(wrapper, 1, "quantity", "0");
    await fill(wrapper, 1, "unitPrice", "12.5");

    expect(wrapper.get('[data-error="1.quantity"]').text()).toBe("1以上の数を入力してください。");
    expect(wrapper.get('[data-error="1.unitPrice"]').text()).toBe("整数で入力してください（小数や記号は使えません）。");
    expect(wrapper.get('input[name="items.1.quantity"]').attributes("aria-invalid")).toBe("true");
    expect(wrapper.get('input[name="items.1.quantity"]').attributes("aria-describedby")).toBeTruthy();
    expect(total(wrapper)).toBe("￥2,000");
    expect(wrapper.get('[data-test="invalid-rows"]').text()).toContain("1行に誤りがあります");

    await fill(wrapper, 1, "quantity", "3");
    await fill(wrapper, 1, "unitPrice", "500");
    expect(wrapper.find('[data-error="1.quantity"]').exists()).toBe(false);
    expect(total(wrapper)).toBe("￥3,500");
    expect(wrapper.find('[data-test="invalid-rows"]').exists()).toBe(false);
  });

  it("shows a problem only once the field was left, unless the form was submitted", async () => {
    const wrapper = mountEditor();
    await wrapper.get('input[name="items.0.unitPrice"]').setValue("abc");
    expect(wrapper.find('[data-error="0.unitPrice"]').exists()).toBe(false);
    await wrapper.setProps({ showAll: true });
    expect(wrapper.get('[data-error="0.productName"]').text()).toBe("入力してください。");
    expect(wrapper.find('[data-error="0.unitPrice"]').exists()).toBe(true);
  });

  it("shows the server's problem under the field it names", async () => {
    const wrapper = mountEditor();
    await wrapper.setProps({ serverErrors: { "items.0.productName": "1行目の商品名の入力内容に誤りがあります。" } });
    expect(wrapper.get('[data-error="0.productName"]').text()).toBe("1行目の商品名の入力内容に誤りがあります。");
  });

  it("keeps at least one row and labels every input", () => {
    const wrapper = mountEditor();
    expect(wrapper.get('button[aria-label="1行目を削除"]').attributes("disabled")).toBeDefined();
    for (const input of wrapper.findAll("input")) expect(input.element.closest("label")?.textContent?.trim()).toBeTruthy();
  });

  it("shows a 9-digit total and refuses what the order service would: over 10,000 of an item, 10,000,000 yen a unit, 100,000,000 yen an order", async () => {
    const wrapper = mountEditor();
    await fill(wrapper, 0, "productName", "業務用 茶葉");
    await fill(wrapper, 0, "quantity", "10,000");
    await fill(wrapper, 0, "unitPrice", "9,999");
    expect(total(wrapper)).toBe("￥99,990,000");
    expect(wrapper.find('[data-test="total-over-limit"]').exists()).toBe(false);

    await wrapper.get('[data-test="add-item"]').trigger("click");
    await fill(wrapper, 1, "productName", "鉄瓶");
    await fill(wrapper, 1, "quantity", "1");
    await fill(wrapper, 1, "unitPrice", "10,001");
    expect(total(wrapper)).toBe("￥100,000,001");
    expect(wrapper.get('[data-test="total-over-limit"]').text()).toBe("1件の注文の合計は￥100,000,000までです。数量か単価を見直すか、注文を分けてください。");

    await fill(wrapper, 1, "quantity", "10001");
    expect(wrapper.get('[data-error="1.quantity"]').text()).toBe("10,000以下で入力してください。");
    await fill(wrapper, 1, "quantity", "1");
    await fill(wrapper, 1, "unitPrice", "10000001");
    expect(wrapper.get('[data-error="1.unitPrice"]').text()).toBe("￥10,000,000以下で入力してください。");
    // A row over a limit is left out of the total, like any row with a wrong number.
    expect(wrapper.get('[data-subtotal="1"]').text()).toBe("—");
    expect(total(wrapper)).toBe("￥99,990,000");
  });

  it("totals in English too", async () => {
    setLocale("en");
    const wrapper = mountEditor([{ key: 1, productName: "Tea", quantity: "3", unitPrice: "1,000" }]);
    expect(total(wrapper)).toBe("¥3,000");
  });
});
