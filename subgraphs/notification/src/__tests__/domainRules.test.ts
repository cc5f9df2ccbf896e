import { describe, expect, it } from "vitest";
import { normalisePhoneNumber } from "../domain/phoneNumber.js";
import { characterCount, smsEncoding, smsSegments } from "../domain/smsSegments.js";
import { formatJapanDate, formatJapanDateTime, formatYen } from "../domain/formatters.js";
import { renderMessage, renderTemplate } from "../domain/renderTemplate.js";
import { SAMPLE_ORDER, templateContext } from "../domain/templateContext.js";
import { documentedVariables } from "@ops/rules";

describe("normalisePhoneNumber", () => {
  it.each([
    ["090-1234-5678", "+819012345678"],
    ["09012345678", "+819012345678"],
    ["080 1234 5678", "+818012345678"],
    ["(070)1234-5678", "+817012345678"],
    ["０９０－１２３４－５６７８", "+819012345678"],
    ["090ー1234ー5678", "+819012345678"],
    ["+819012345678", "+819012345678"],
    ["+81 90-1234-5678", "+819012345678"],
    ["+81 (0)90 1234 5678", "+819012345678"],
    ["+14155550123", "+14155550123"],
  ])("accepts %s as %s", (raw, expected) => {
    expect(normalisePhoneNumber(raw)).toBe(expected);
  });

  it.each(["03-1234-5678", "090-1234-567", "12345", "phone", "+81 3 1234 5678", "+0123456789", "+1234567890123456", ""])("refuses %j", (raw) => {
    expect(() => normalisePhoneNumber(raw)).toThrow(
      expect.objectContaining({ extensions: expect.objectContaining({ code: "BAD_USER_INPUT", field: "input.phoneNumber", params: expect.objectContaining({ value: raw }) }) }),
    );
  });
});

describe("smsSegments", () => {
  it("counts Japanese (UCS-2) as 70 in one message, 67 per segment beyond", () => {
    expect(smsEncoding("ご注文ありがとうございます")).toBe("UCS-2");
    expect(smsSegments("あ".repeat(70))).toBe(1);
    expect(smsSegments("あ".repeat(71))).toBe(2);
    expect(smsSegments("あ".repeat(134))).toBe(2);
    expect(smsSegments("あ".repeat(135))).toBe(3);
    // One Japanese character turns a Latin text into UCS-2.
    expect(smsSegments(`${"a".repeat(70)}あ`)).toBe(2);
  });

  it("counts GSM-7 as 160 and 153, escaped characters as two", () => {
    expect(smsEncoding("Order #12 shipped: ¥1,200")).toBe("GSM-7");
    expect(smsSegments("a".repeat(160))).toBe(1);
    expect(smsSegments("a".repeat(161))).toBe(2);
    expect(smsSegments("€".repeat(80))).toBe(1);
    expect(smsSegments("€".repeat(81))).toBe(2);
    expect(smsSegments("")).toBe(0);
  });

  it("counts characters as people do and UTF-16 units for segments", () => {
    expect(characterCount("🍵お茶")).toBe(3);
    expect(smsSegments("🍵".repeat(35))).toBe(1);
    expect(smsSegments("🍵".repeat(36))).toBe(2);
  });
});

describe("formatting and rendering", () => {
  it("writes yen and Japan dates", () => {
    expect(formatYen(12345)).toBe("¥12,345");
    expect(formatYen(1234567)).toBe("¥1,234,567");
    expect(formatYen(0)).toBe("¥0");
    expect(formatYen("n/a")).toBe("n/a");
    // 16:30 UTC on the 24th is already the 25th in Japan.
    expect(formatJapanDate("2026-11-24T16:30:00.000Z")).toBe("2026年11月25日");
    expect(formatJapanDateTime("2026-11-24T16:30:00.000Z")).toBe("2026年11月25日 01:30");
  });

  it("renders plain text without HTML escaping, SMS without subject", () => {
    const context = templateContext({ ...SAMPLE_ORDER, customerName: "O'Neil & 山田" });
    expect(renderTemplate("{{customer_name}} {{yen total_amount}}", context, "f")).toBe("O'Neil & 山田 ¥10,900");
    const template = { subjectTemplate: "注文 #{{order_id}}\n{{order_date}}", bodyTemplate: "{{#each items}}{{product_name}}×{{quantity}};{{/each}}" };
    expect(renderMessage(template, "EMAIL", context)).toEqual({ subject: "注文 #1024 2026年11月25日", body: "有機緑茶 100g×2;南部鉄器 急須×1;" });
    expect(renderMessage(template, "SMS", context).subject).toBeNull();
  });

  it("documents every variable the context provides, and only those", () => {
    const roots = documentedVariables().map((v) => v.name).filter((n) => !n.startsWith("items."));
    expect(Object.keys(templateContext(SAMPLE_ORDER)).sort()).toEqual(roots.sort());
    const itemFields = documentedVariables().filter((v) => v.name.startsWith("items.")).map((v) => v.name.slice(6));
    expect(Object.keys(templateContext(SAMPLE_ORDER).items[0]!).sort()).toEqual(itemFields.sort());
  });
});
