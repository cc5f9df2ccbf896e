import { CombinedError } from "@urql/core";
import { describe, expect, it } from "vitest";
import { HttpFailure, NetworkFailure } from "@/api/failures";
import { describeError, fieldErrors, fieldLabel } from "@/domain/describeError";
import { translator } from "@/i18n";

const ja = translator("ja");
const en = translator("en");
const gql = (...errors: { message: string; extensions: Record<string, unknown> }[]) => new CombinedError({ graphQLErrors: errors });

describe("describeError", () => {
  it("names the field of a BAD_USER_INPUT, down to the item row", () => {
    const error = gql({ message: "Quantity must be a whole number greater than 0, got 0", extensions: { code: "BAD_USER_INPUT", field: "input.items.1.quantity" } });
    expect(describeError(error, ja).lines).toEqual([
      { code: "BAD_USER_INPUT", text: "2行目の数量の入力内容に誤りがあります。", field: "input.items.1.quantity", detail: "Quantity must be a whole number greater than 0, got 0" },
    ]);
    expect(describeError(error, en).lines[0]?.text).toBe("Quantity in row 2 is not valid.");
    expect(fieldErrors(describeError(error, ja))).toEqual({ "items.1.quantity": "2行目の数量の入力内容に誤りがあります。" });
  });

  it("says which rendering limit a template broke, with the limit, in both languages", () => {
    const limit = (field: string | undefined, params: Record<string, unknown>) =>
      gql({ message: "limit", extensions: { code: "BAD_USER_INPUT", ...(field ? { field } : {}), params } });
    const texts = (error: CombinedError) => [describeError(error, ja).lines[0]?.text, describeError(error, en).lines[0]?.text];
    expect(texts(limit("input.bodyTemplate", { limit: "iterations", max: 10_000 }))).toEqual([
      "本文: 繰り返しが多すぎます（上限 10,000 回）。",
      "Body: too many repetitions (at most 10,000).",
    ]);
    expect(texts(limit("input.subjectTemplate", { limit: "depth", max: 4, line: 3 }))).toEqual([
      "件名（3行目）: ブロックの入れ子が深すぎます（上限 4 段）。",
      "Subject (line 3): blocks are nested too deeply (at most 4 levels).",
    ]);
    expect(texts(limit("input.templateName", { limit: "outputLength", max: 100_000 }))).toEqual([
      "テンプレート: 差し込んだ後の文章が長すぎます（上限 100,000 文字）。",
      "Template: the text with the values filled in is too long (at most 100,000 characters).",
    ]);
    expect(texts(limit(undefined, { limit: "renderTime", max: 250 }))).toEqual([
      "テンプレート: 表示に時間がかかりすぎます（上限 250 ミリ秒）。",
      "Template: rendering takes too long (at most 250 ms).",
    ]);
    expect(describeError(limit("input.bodyTemplate", { limit: "depth", max: 4 }), ja).lines[0]).toMatchObject({ text: "本文: ブロックの入れ子が深すぎます（上限 4 段）。", detail: "limit", field: "input.bodyTemplate" });
    // Anything else stays the plain refusal of the field.
    expect(texts(limit("input.bodyTemplate", { limit: "template", max: 1 }))[0]).toBe("本文の入力内容に誤りがあります。");
    expect(texts(limit("input.bodyTemplate", { max: 20_000 }))[0]).toBe("本文の入力内容に誤りがあります。");
  });

  it("names the role a FORBIDDEN needs", () => {
    const error = gql({ message: "needs admin", extensions: { code: "FORBIDDEN", params: { required: "admin", role: "operator" } } });
    expect(describeError(error, ja).lines[0]?.text).toBe("この操作には管理者の権限が必要です（あなたの権限: オペレーター）。");
    expect(describeError(error, en).lines[0]?.text).toBe("This needs the admin role (yours: operator).");
  });

  it("tells a stale update and an illegal status move apart from other CONFLICTs", () => {
    const stale = gql({ message: "changed", extensions: { code: "CONFLICT", field: "input.expectedUpdatedAt" } });
    const move = gql({ message: "no", extensions: { code: "CONFLICT", field: "input.status", params: { from: "DELIVERED", to: "CANCELLED" } } });
    const other = gql({ message: "Order 3 already has a payment", extensions: { code: "CONFLICT", field: "input.orderId" } });
    expect(describeError(stale, ja).lines[0]?.text).toBe("ほかの人が先に変更しました。再読み込みしてから、もう一度お試しください。");
    expect(describeError(move, ja).lines[0]?.text).toBe("「配達済み」から「キャンセル済み」には変更できません。");
    expect(describeError(other, en).lines[0]).toMatchObject({ text: "This cannot be done in the current state.", detail: "Order 3 already has a payment" });
  });

  it("reports NOT_FOUND and UNAUTHENTICATED", () => {
    expect(describeError(gql({ message: "Order 9 not found", extensions: { code: "NOT_FOUND" } }), en).lines[0]?.text).toBe("Not found: it was removed, or the number is wrong.");
    const signedOut = describeError(gql({ message: "Sign in first", extensions: { code: "UNAUTHENTICATED" } }), ja);
    expect(signedOut.unauthenticated).toBe(true);
    expect(signedOut.lines[0]?.text).toBe("セッションが切れました。もう一度サインインしてください。");
  });

  it("recognises the forced password change", () => {
    const d = describeError(gql({ message: "change it", extensions: { code: "FORBIDDEN", params: { reason: "PASSWORD_CHANGE_REQUIRED" } } }), en);
    expect(d.passwordChangeRequired).toBe(true);
    expect(d.lines[0]?.text).toBe("Change your password before doing anything else.");
  });

  it("collects the services a SERVICE_UNAVAILABLE names, once each", () => {
    const error = gql(
      { message: "The payment service is unavailable", extensions: { code: "SERVICE_UNAVAILABLE", service: "payment" } },
      { message: "The payment service is unavailable", extensions: { code: "SERVICE_UNAVAILABLE", service: "payment" } },
    );
    const d = describeError(error, ja);
    expect(d.unavailableServices).toEqual(["payment"]);
    expect(d.lines).toEqual([{ code: "SERVICE_UNAVAILABLE", text: "決済サービスに接続できません", service: "payment" }]);
    expect(describeError(error, en).lines[0]?.text).toBe("Payment service unavailable");
    expect(d.serviceOutages).toEqual([{ service: "payment", kind: "unavailable" }]);
  });

  it("says a SERVICE_TIMEOUT timed out, naming the service, apart from one that cannot be reached", () => {
    const error = gql(
      { message: "The payment service did not answer within 30 s", extensions: { code: "SERVICE_TIMEOUT", service: "payment", params: { service: "payment", timeoutMs: 30000 } } },
      { message: "The notification service is unavailable", extensions: { code: "SERVICE_UNAVAILABLE", service: "notification" } },
    );
    const d = describeError(error, ja);
    expect(d.lines).toEqual([
      { code: "SERVICE_TIMEOUT", text: "決済サービスが応答しません（タイムアウト）", service: "payment" },
      { code: "SERVICE_UNAVAILABLE", text: "通知サービスに接続できません", service: "notification" },
    ]);
    expect(d.unavailableServices).toEqual(["payment", "notification"]);
    expect(d.serviceOutages).toEqual([
      { service: "payment", kind: "timeout" },
      { service: "notification", kind: "unavailable" },
    ]);
    expect(describeError(error, en).lines.map((l) => l.text)).toEqual(["Payment service did not answer (timed out)", "Notification service unavailable"]);
  });

  it("names a service once, as timed out, when one part of it timed out and another could not connect", () => {
    const error = gql(
      { message: "unavailable", extensions: { code: "SERVICE_UNAVAILABLE", service: "order" } },
      { message: "timeout", extensions: { code: "SERVICE_TIMEOUT", service: "order" } },
    );
    expect(describeError(error, ja).serviceOutages).toEqual([{ service: "order", kind: "timeout" }]);
  });

  it("tells a network error from a GraphQL error", () => {
    const network = describeError(new CombinedError({ networkError: new Error("Failed to fetch") }), ja);
    expect(network).toMatchObject({ network: true, lines: [{ code: "NETWORK", text: "ゲートウェイに接続できません。ネットワークを確認して、もう一度お試しください。", detail: "Failed to fetch" }] });
    expect(describeError(new NetworkFailure(new TypeError("offline")), en).network).toBe(true);
    expect(describeError(gql({ message: "x", extensions: { code: "NOT_FOUND" } }), en).network).toBe(false);
  });

  it("reads the errors of a plain gateway route", () => {
    const d = describeError(new HttpFailure(400, [{ message: "too short", extensions: { code: "BAD_USER_INPUT", field: "newPassword" } }]), en);
    expect(d.lines[0]?.text).toBe("New password is not valid.");
  });

  it("describes nothing for no error", () => {
    expect(describeError(null, ja).lines).toEqual([]);
  });

  it("falls back to the path for a field it has no name for", () => {
    expect(fieldLabel("input.somethingNew", en)).toBe("input.somethingNew");
    expect(fieldLabel("input.customerEmail", ja)).toBe("メールアドレス");
  });
});
