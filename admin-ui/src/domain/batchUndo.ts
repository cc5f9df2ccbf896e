/**
 * A batch undo as the operator sees it: whether it is still going, how far it has come, whether
 * another may be started, and why it ended, in the operator's language. Plain functions of what
 * `batchUndo(id)` / `ImportBatch.undo` answer.
 */
import type { BatchUndoStatus } from "@/gql/graphql";
import { isMessageKey, type MessageKey, type MessageParams, type Translate } from "@/i18n";

/** Queued, running or stopping: worth following, and no other undo of the batch may start. */
export function isUndoActive(status: BatchUndoStatus): boolean {
  return status === "PENDING" || status === "RUNNING" || status === "CANCELLING";
}

/** Whether an admin may still stop it (a stop already asked for is not asked twice). */
export function isUndoCancellable(status: BatchUndoStatus): boolean {
  return status === "PENDING" || status === "RUNNING";
}

/** Whole percent done, 100 only once it has completed (a full bar means done). */
export function undoPercent(undo: { status: BatchUndoStatus; progress: number }): number {
  if (undo.status === "COMPLETED") return 100;
  if (!Number.isFinite(undo.progress) || undo.progress <= 0) return 0;
  return Math.min(99, Math.floor(undo.progress * 100));
}

/**
 * Whether the batch may be undone now: some order can still be cancelled (PENDING or CONFIRMED;
 * null when that is unknown, e.g. the count could not be read) and no undo of it is going on.
 */
export function mayStartUndo(cancellable: number | null, latest: { status: BatchUndoStatus } | null | undefined): boolean {
  if (latest && isUndoActive(latest.status)) return false;
  return cancellable === null || cancellable > 0;
}

export interface CodedUndoMessage {
  message?: string | null;
  messageCode?: string | null;
  messageParams?: string | null;
}

export interface UndoMessageText {
  text: string;
  /** "en" when `text` is the server's English message (the UI could not say it); null otherwise. */
  lang: "en" | null;
}

type Params = Record<string, unknown>;

function parse(json: string | null | undefined): Params | null {
  if (!json) return {};
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Params) : null;
  } catch {
    return null;
  }
}

const isCount = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/** The message key and params for a code; null when the code or its params are not understood. */
function fill(code: string, p: Params, t: Translate, count: (n: number) => string): [MessageKey, MessageParams] | null {
  switch (code) {
    case "CANCELLED_BEFORE_START":
    case "INTERNAL_ERROR":
      return [`batch.undo.message.${code}`, {}];
    case "CANCELLED_BY_OPERATOR":
      return isCount(p.done) && isCount(p.total) ? ["batch.undo.message.CANCELLED_BY_OPERATOR", { done: count(p.done), total: count(p.total) }] : null;
    case "UNDO_CRASHED": {
      const cause = `job.crashCause.${String(p.cause)}`;
      return isCount(p.attempts) && isMessageKey(cause) ? ["batch.undo.message.UNDO_CRASHED", { attempts: count(p.attempts), cause: t(cause) }] : null;
    }
    default:
      return null;
  }
}

/** Why an undo ended as it did, in the operator's language; the English message when the UI cannot say it; null when there is nothing to say. */
export function undoMessageText(undo: CodedUndoMessage, t: Translate, count: (n: number) => string): UndoMessageText | null {
  if (!undo.message) return null;
  const params = undo.messageCode ? parse(undo.messageParams) : null;
  const found = undo.messageCode && params ? fill(undo.messageCode, params, t, count) : null;
  return found ? { text: t(found[0], found[1]), lang: null } : { text: undo.message, lang: "en" };
}
