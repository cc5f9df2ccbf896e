import { describe, expect, it } from "vitest";
import { isUndoActive, isUndoCancellable, mayStartUndo, undoMessageText, undoPercent } from "@/domain/batchUndo";
import { importMessageText } from "@/domain/importReasons";
import { translator, type Locale } from "@/i18n";
import { formatCount, formatYen } from "@/i18n/format";

const count = (locale: Locale) => (n: number) => formatCount(n, locale);
const ended = (messageCode: string | null, params: object | null, message = "The English message.") => ({ message, messageCode, messageParams: params === null ? null : JSON.stringify(params) });

describe("a batch undo's state", () => {
  it("is followed and blocks another undo while queued, running or stopping; only a queued or running one may be stopped", () => {
    expect(["PENDING", "RUNNING", "CANCELLING"].every((s) => isUndoActive(s as never))).toBe(true);
    expect(["COMPLETED", "CANCELLED", "FAILED"].some((s) => isUndoActive(s as never))).toBe(false);
    expect(isUndoCancellable("RUNNING")).toBe(true);
    expect(isUndoCancellable("CANCELLING")).toBe(false);
  });

  it("shows a full bar only once completed", () => {
    expect(undoPercent({ status: "RUNNING", progress: 0.999 })).toBe(99);
    expect(undoPercent({ status: "RUNNING", progress: Number.NaN })).toBe(0);
    expect(undoPercent({ status: "COMPLETED", progress: 1 })).toBe(100);
    expect(undoPercent({ status: "CANCELLED", progress: 0.4 })).toBe(40);
  });

  it("offers an undo only with orders left to cancel and none going on", () => {
    expect(mayStartUndo(3, null)).toBe(true);
    expect(mayStartUndo(0, null)).toBe(false);
    expect(mayStartUndo(0, { status: "COMPLETED" })).toBe(false);
    expect(mayStartUndo(3, { status: "RUNNING" })).toBe(false);
    expect(mayStartUndo(3, { status: "CANCELLED" })).toBe(true);
    // Unknown count (not read): the server decides.
    expect(mayStartUndo(null, { status: "FAILED" })).toBe(true);
  });
});

describe("why an undo or an import ended", () => {
  it("says it in the operator's language with its figures and cause", () => {
    expect(undoMessageText(ended("CANCELLED_BY_OPERATOR", { done: 6000, total: 40000 }), translator("ja"), count("ja"))).toEqual({
      text: "40,000件中6,000件を処理したところで中止されました。キャンセルした注文はキャンセルのままです。",
      lang: null,
    });
    expect(undoMessageText(ended("UNDO_CRASHED", { attempts: 3, cause: "WORKER_CRASHED", detail: "exit 70" }), translator("en"), count("en"))?.text).toBe(
      "Given up after crashing 3 times in a row (the worker thread crashed). The orders cancelled so far stay cancelled; undoing the batch again cancels the rest.",
    );
    const ja = { t: translator("ja"), yen: (n: number) => formatYen(n, "ja"), count: count("ja"), list: (i: readonly string[]) => i.join("、") };
    expect(importMessageText(ended("IMPORT_CRASHED", { attempts: 3, cause: "SERVICE_STOPPED", detail: "…" }), ja)).toEqual({
      text: "取込が3回続けて異常終了したため打ち切りました（注文サービスの停止）。再開はされません。それまでに書き込まれた注文は残っています（取り消すにはバッチを取り消してください）。",
      lang: null,
    });
    expect(importMessageText(ended("IMPORT_CRASHED", { attempts: 3, cause: "SOMETHING_ELSE" }), ja)).toEqual({ text: "The English message.", lang: "en" });
  });

  it("keeps the English message for an unknown code or unusable params, and says nothing without a message", () => {
    const t = translator("ja");
    expect(undoMessageText(ended("SOMETHING_NEW", {}), t, count("ja"))).toEqual({ text: "The English message.", lang: "en" });
    expect(undoMessageText(ended("CANCELLED_BY_OPERATOR", { done: "many" }), t, count("ja"))).toEqual({ text: "The English message.", lang: "en" });
    expect(undoMessageText({ ...ended("UNDO_CRASHED", {}), messageParams: "not json" }, t, count("ja"))).toEqual({ text: "The English message.", lang: "en" });
    expect(undoMessageText({ message: null, messageCode: null, messageParams: null }, t, count("ja"))).toBeNull();
  });
});
