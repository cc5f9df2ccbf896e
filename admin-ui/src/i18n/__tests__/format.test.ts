import { describe, expect, it } from "vitest";
import { formatDateTime, formatDay, formatYen, japanDay } from "@/i18n/format";
import { en } from "@/i18n/en";
import { ja } from "@/i18n/ja";
import { interpolate } from "@/i18n/messages";

describe("yen", () => {
  it("is whole yen with grouping, with the full-width sign in Japanese", () => {
    expect(formatYen(12800, "ja")).toBe("￥12,800");
    expect(formatYen(12800, "en")).toBe("¥12,800");
    expect(formatYen(0, "ja")).toBe("￥0");
    expect(formatYen(1_000_000, "en")).toBe("¥1,000,000");
  });
});

describe("dates", () => {
  // 15:30 UTC is 00:30 the next day in Japan: the UI must show the Japan day, whatever the browser's zone.
  const lateUtc = "2026-11-24T15:30:00.000Z";

  it("shows instants in Japan time in each language", () => {
    expect(formatDateTime(lateUtc, "ja")).toBe("2026/11/25 00:30");
    expect(formatDateTime(lateUtc, "en")).toBe("Nov 25, 2026, 00:30");
  });

  it("names the Japan calendar day an instant falls on (the API's Date filters)", () => {
    expect(japanDay(new Date(lateUtc))).toBe("2026-11-25");
    expect(japanDay(new Date("2026-11-24T14:59:59.000Z"))).toBe("2026-11-24");
  });

  it("writes a calendar day for each language", () => {
    expect(formatDay("2026-11-25", "ja")).toBe("2026年11月25日");
    expect(formatDay("2026-11-25", "en")).toBe("November 25, 2026");
  });

  it("leaves a value it cannot read as it is", () => {
    expect(formatDateTime("not a date", "ja")).toBe("not a date");
  });
});

describe("messages", () => {
  it("has the same keys in English as in Japanese, none empty", () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(ja).sort());
    for (const [key, text] of [...Object.entries(ja), ...Object.entries(en)]) expect(text, key).not.toBe("");
  });

  it("uses the same placeholders in both languages", () => {
    const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(ja) as (keyof typeof ja)[]) expect(placeholders(en[key]), key).toEqual(placeholders(ja[key]));
  });

  it("fills placeholders and leaves unknown ones visible", () => {
    expect(interpolate("{count}件・合計 {amount}", { count: 3, amount: "￥1,000" })).toBe("3件・合計 ￥1,000");
    expect(interpolate("{missing}")).toBe("{missing}");
  });
});
