import { describe, expect, it } from "vitest";
import { createInput, draftChanged, emptyDraft, updateInput, type TemplateDraft } from "@/domain/templateDraft";

const stored: TemplateDraft = { name: "ORDER_SHIPPED", subjectTemplate: "発送 #{{order_id}}", bodyTemplate: "本文", channel: "EMAIL", language: "ja" };

describe("template drafts", () => {
  it("updates only the fields that changed", () => {
    expect(updateInput({ ...stored }, stored)).toEqual({ name: "ORDER_SHIPPED" });
    expect(updateInput({ ...stored, bodyTemplate: "新しい本文", language: " en " }, stored)).toEqual({ name: "ORDER_SHIPPED", bodyTemplate: "新しい本文", language: "en" });
  });

  it("keeps an SMS template's stored subject, which is never sent", () => {
    const sms = { ...stored, channel: "SMS" as const, subjectTemplate: "" };
    expect(updateInput(sms, stored)).toEqual({ name: "ORDER_SHIPPED", channel: "SMS" });
    expect(draftChanged({ ...sms, channel: "SMS" }, { ...stored, channel: "SMS" })).toBe(false);
  });

  it("creates an SMS template without a subject", () => {
    const draft = { ...emptyDraft(), name: " SMS_SHIPPED ", channel: "SMS" as const, bodyTemplate: "発送しました" };
    expect(createInput(draft)).toEqual({ name: "SMS_SHIPPED", subjectTemplate: null, bodyTemplate: "発送しました", channel: "SMS", language: "ja" });
    expect(createInput({ ...draft, channel: "EMAIL", subjectTemplate: "件名" }).subjectTemplate).toBe("件名");
  });

  it("knows when there is something unsaved", () => {
    expect(draftChanged(emptyDraft(), null)).toBe(false);
    expect(draftChanged({ ...emptyDraft(), bodyTemplate: "x" }, null)).toBe(true);
    expect(draftChanged({ ...stored, subjectTemplate: "別" }, stored)).toBe(true);
  });
});
