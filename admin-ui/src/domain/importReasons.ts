/**
 * Why a row of a file was not imported, in the operator's language: the API's `ImportError.code`
 * with its `params` (a JSON object) becomes a translated sentence, columns in the operator's
 * words, numbers and yen formatted for the language. An error the UI cannot say (recorded before
 * codes existed, a code newer than this UI, params it does not understand) keeps the server's
 * English `reason` as it is, marked as English.
 */
import { isMessageKey, type MessageKey, type MessageParams, type Translate } from "@/i18n";

export interface CodedImportError {
  reason: string;
  code?: string | null;
  params?: string | null;
}

/** What `useI18n()` gives; tests build it for a fixed locale. */
export interface ReasonFormat {
  t: Translate;
  yen: (amount: number) => string;
  count: (n: number) => string;
  list: (items: readonly string[]) => string;
}

export interface ImportReasonText {
  text: string;
  /** "en" when `text` is the server's English reason (the UI could not translate it); null otherwise. */
  lang: "en" | null;
}

type Params = Record<string, unknown>;

/** Thrown inside when the params lack what the message needs: the English reason is shown instead. */
class MissingParam extends Error {}

const str = (p: Params, name: string): string => {
  const v = p[name];
  if (typeof v !== "string" || v === "") throw new MissingParam(name);
  return v;
};
const num = (p: Params, name: string): number => {
  const v = p[name];
  if (typeof v !== "number" || !Number.isFinite(v)) throw new MissingParam(name);
  return v;
};
const rowList = (p: Params, name: string): number[] => {
  const v = p[name];
  if (!Array.isArray(v) || v.length === 0 || !v.every((n) => typeof n === "number")) throw new MissingParam(name);
  return v as number[];
};

/** A CSV column in the operator's words (メールアドレス), or as written when the UI does not know it. */
function columnLabel(column: string, t: Translate): string {
  const key = `import.column.${column}`;
  return isMessageKey(key) ? t(key) : column;
}

/** A file encoding in the operator's words (Shift_JIS（CP932）), or as the API wrote it. */
function encodingLabel(encoding: string, t: Translate): string {
  const key = `import.encoding.${encoding}`;
  return isMessageKey(key) ? t(key) : encoding;
}

/** An order: 注文「K-1」 / order K-1 by its order_ref, or by its first row when it has none. */
function orderLabel(p: Params, f: ReasonFormat): string {
  const ref = p.order;
  if (typeof ref === "string" && ref !== "") return f.t("import.reason.order.ref", { order: ref });
  if (ref !== null && ref !== undefined) throw new MissingParam("order");
  return f.t("import.reason.order.row", { row: f.count(num(p, "firstRow")) });
}

/** The message key and its filled params for a code; null for a code this UI does not know. */
function message(code: string, p: Params, f: ReasonFormat): [MessageKey, MessageParams] | null {
  switch (code) {
    case "REQUIRED":
      return ["import.reason.REQUIRED", { column: columnLabel(str(p, "column"), f.t) }];
    case "TOO_LONG":
      return ["import.reason.TOO_LONG", { column: columnLabel(str(p, "column"), f.t), max: f.count(num(p, "max")) }];
    case "INVALID_TEXT": {
      const key = `import.reason.INVALID_TEXT.${str(p, "reason")}`;
      if (!isMessageKey(key)) throw new MissingParam("reason");
      // The API counts from 0; people count characters from 1.
      return [key, { column: columnLabel(str(p, "column"), f.t), position: f.count(num(p, "position") + 1), character: str(p, "character") }];
    }
    case "INVALID_EMAIL":
    case "QUANTITY_NOT_POSITIVE_INTEGER":
    case "CURRENCY_NOT_JPY":
    case "INVALID_PAYMENT_STATUS":
      return [`import.reason.${code}`, {}];
    case "QUANTITY_TOO_LARGE":
      return ["import.reason.QUANTITY_TOO_LARGE", { max: f.count(num(p, "max")) }];
    case "UNIT_PRICE_TOO_LARGE":
      return ["import.reason.UNIT_PRICE_TOO_LARGE", { max: f.yen(num(p, "max")) }];
    // Errors recorded before the per-order limits carry no `max` (nor `total`): said without them.
    case "LINE_TOTAL_TOO_LARGE":
      return "max" in p ? ["import.reason.LINE_TOTAL_TOO_LARGE.max", { max: f.yen(num(p, "max")) }] : ["import.reason.LINE_TOTAL_TOO_LARGE", {}];
    case "UNIT_PRICE_NOT_POSITIVE_YEN":
      return [p.fraction === true ? "import.reason.UNIT_PRICE_NOT_POSITIVE_YEN.fraction" : "import.reason.UNIT_PRICE_NOT_POSITIVE_YEN", {}];
    case "INVALID_PAYMENT_METHOD":
      return ["import.reason.INVALID_PAYMENT_METHOD", { maxLength: f.count(num(p, "maxLength")) }];
    case "ORDER_REJECTED_BY_ROWS": {
      const rows = rowList(p, "rows");
      return [rows.length > 1 ? "import.reason.ORDER_REJECTED_BY_ROWS.many" : "import.reason.ORDER_REJECTED_BY_ROWS.one", { order: orderLabel(p, f), rows: f.list(rows.map(f.count)) }];
    }
    case "ORDER_FIELD_MISMATCH":
      return ["import.reason.ORDER_FIELD_MISMATCH", { column: columnLabel(str(p, "column"), f.t), order: orderLabel(p, f), firstRow: f.count(num(p, "firstRow")) }];
    case "ORDER_TOTAL_TOO_LARGE":
      return "max" in p
        ? ["import.reason.ORDER_TOTAL_TOO_LARGE.max", { order: orderLabel(p, f), total: f.yen(num(p, "total")), max: f.yen(num(p, "max")) }]
        : ["import.reason.ORDER_TOTAL_TOO_LARGE", { order: orderLabel(p, f) }];
    case "ORDER_REJECTED_BY_OTHER_ROWS":
      return [`import.reason.${code}`, { order: orderLabel(p, f) }];
    case "PAYMENT_AMOUNT_OUT_OF_RANGE":
      return ["import.reason.PAYMENT_AMOUNT_OUT_OF_RANGE", { order: orderLabel(p, f), total: f.yen(num(p, "total")), min: f.yen(num(p, "min")), max: f.yen(num(p, "max")) }];
    case "ORDER_TOO_MANY_ITEMS":
      return ["import.reason.ORDER_TOO_MANY_ITEMS", { order: orderLabel(p, f), items: f.count(num(p, "items")), max: f.count(num(p, "max")) }];
    default:
      return null;
  }
}

function parseParams(json: string | null | undefined): Params | null {
  if (json === null || json === undefined || json === "") return {};
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Params) : null;
  } catch {
    return null;
  }
}

/** The reason of an import error in the operator's language, or its English reason when it cannot be said. */
export function importReasonText(error: CodedImportError, f: ReasonFormat): ImportReasonText {
  const english: ImportReasonText = { text: error.reason, lang: "en" };
  if (!error.code) return english;
  const params = parseParams(error.params);
  if (params === null) return english;
  try {
    const found = message(error.code, params, f);
    return found ? { text: f.t(found[0], found[1]), lang: null } : english;
  } catch (err) {
    if (err instanceof MissingParam) return english;
    throw err;
  }
}

export interface CodedImportMessage {
  message?: string | null;
  messageCode?: string | null;
  messageParams?: string | null;
}

/** Why a job that kept crashing was given up (`params.cause`), in the operator's words. */
function crashCause(p: Params, t: Translate): string {
  const key = `job.crashCause.${str(p, "cause")}`;
  if (!isMessageKey(key)) throw new MissingParam("cause");
  return t(key);
}

/** Fills a message's params for a code; null for a code this UI does not know. */
function importMessage(code: string, p: Params, f: ReasonFormat): [MessageKey, MessageParams] | null {
  switch (code) {
    case "CSV_MISSING_COLUMNS": {
      const columns = p.columns;
      if (!Array.isArray(columns) || columns.length === 0 || !columns.every((c) => typeof c === "string")) throw new MissingParam("columns");
      return ["import.message.CSV_MISSING_COLUMNS", { columns: f.list((columns as string[]).map((c) => columnLabel(c, f.t))) }];
    }
    case "CSV_FORMAT":
      // Imports recorded before rows were spreadsheet rows said `line`.
      return ["import.message.CSV_FORMAT", { row: f.count(num(p, "row" in p ? "row" : "line")) }];
    case "CSV_ENCODING":
      return ["import.message.CSV_ENCODING", { byteOffset: f.count(num(p, "byteOffset")) }];
    case "CSV_ENCODING_INVALID":
      return ["import.message.CSV_ENCODING_INVALID", { row: f.count(num(p, "row")), encoding: encodingLabel(str(p, "encoding"), f.t) }];
    case "CSV_ROW_TOO_MANY_FIELDS":
    case "CSV_CELL_TOO_LONG":
    case "CSV_ROW_TOO_LONG":
      return [`import.message.${code}`, { row: f.count(num(p, "row")), max: f.count(num(p, "max")) }];
    case "ATOMIC_REFUSED":
      return ["import.message.ATOMIC_REFUSED", { failedOrders: f.count(num(p, "failedOrders")) }];
    case "IMPORT_CRASHED":
      return ["import.message.IMPORT_CRASHED", { attempts: f.count(num(p, "attempts")), cause: crashCause(p, f.t) }];
    case "CANCELLED_BEFORE_START":
    case "CANCELLED_BY_OPERATOR":
    case "DRY_RUN":
    case "INTERNAL_ERROR":
      return [`import.message.${code}`, {}];
    default:
      return null;
  }
}

/**
 * Why an import ended as it did (`Import.message`), in the operator's language; the English
 * message when the UI cannot say it; null when there is nothing to say.
 */
export function importMessageText(job: CodedImportMessage, f: ReasonFormat): ImportReasonText | null {
  if (!job.message) return null;
  const english: ImportReasonText = { text: job.message, lang: "en" };
  if (!job.messageCode) return english;
  const params = parseParams(job.messageParams);
  if (params === null) return english;
  try {
    const found = importMessage(job.messageCode, params, f);
    return found ? { text: f.t(found[0], found[1]), lang: null } : english;
  } catch (err) {
    if (err instanceof MissingParam) return english;
    throw err;
  }
}
