/**
 * The query parameters of the CSV downloads, checked before anything runs: a malformed value,
 * a repeated or an unknown parameter is BAD_USER_INPUT (400) naming it in `extensions.field`,
 * never a 500 and never a value that reaches a header or a query unchecked.
 */
import { BadUserInputError, DateScalar } from "@ops/service-kit";
import type { OrderFilter } from "../domain/listOrders.js";
import { STATUS_RANK, type OrderStatus } from "../domain/statusMachine.js";
import { parseOutputEncoding, type OutputEncoding } from "./csvWriter.js";

type Query = Record<string, unknown>;

/** The largest id a download accepts (import ids are SQLite integers that fit an Int). */
const MAX_ID = 2_147_483_647;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const STATUSES = Object.keys(STATUS_RANK) as OrderStatus[];
const MAX_EMAIL = 254;
const MAX_NAME = 200;

/** Refuses parameters other than `allowed` (a misspelt `batchID` would otherwise export every order). */
function onlyKnown(query: Query, allowed: readonly string[]): void {
  for (const key of Object.keys(query)) {
    if (!allowed.includes(key)) {
      throw new BadUserInputError(`Unknown parameter ${key}: this download takes ${allowed.join(", ")}`, { field: key, params: { allowed } });
    }
  }
}

/** The parameter's one value, or undefined when absent or empty. */
function single(query: Query, name: string): string | undefined {
  const value = query[name];
  if (value === undefined || value === "") return undefined;
  if (typeof value !== "string") throw new BadUserInputError(`Give ${name} once`, { field: name });
  return value;
}

/** The import id of `/imports/:id/…`: a positive whole number. */
export function parseImportId(raw: string): number {
  if (!/^[1-9]\d{0,9}$/.test(raw) || Number(raw) > MAX_ID) {
    throw new BadUserInputError(`The import id must be a whole number from 1 to ${MAX_ID}`, { field: "id", params: { min: 1, max: MAX_ID } });
  }
  return Number(raw);
}

export type ReportEncoding = OutputEncoding | "source";

/** `encoding` of the error report and the failed rows: utf-8-bom (default), cp932 or source (the file's own). */
export function parseReportParams(query: Query): { encoding: ReportEncoding } {
  onlyKnown(query, ["encoding"]);
  const raw = single(query, "encoding");
  if (raw === "source") return { encoding: "source" };
  const encoding = parseOutputEncoding(raw);
  if (!encoding) throw new BadUserInputError("encoding must be utf-8-bom, cp932 or source", { field: "encoding", params: { allowed: ["utf-8-bom", "cp932", "source"] } });
  return { encoding };
}

function calendarDay(query: Query, name: string): string | undefined {
  const raw = single(query, name);
  if (raw === undefined) return undefined;
  try {
    return DateScalar.parseValue(raw) as string;
  } catch {
    throw new BadUserInputError(`${name} must be a calendar date, YYYY-MM-DD`, { field: name, params: { value: raw.slice(0, 40) } });
  }
}

function text(query: Query, name: string, max: number): string | undefined {
  const raw = single(query, name)?.trim();
  if (raw !== undefined && raw.length > max) throw new BadUserInputError(`${name} is longer than ${max} characters`, { field: name, params: { max } });
  return raw || undefined;
}

export interface ExportParams {
  filter: OrderFilter;
  encoding: OutputEncoding;
}

/** The order export's filter (the orders list's, as query parameters) and encoding. */
export function parseExportParams(query: Query): ExportParams {
  onlyKnown(query, ["batchId", "status", "customerEmail", "customerName", "createdFrom", "createdTo", "encoding"]);
  const encoding = parseOutputEncoding(single(query, "encoding"));
  if (!encoding) throw new BadUserInputError("encoding must be utf-8-bom or cp932", { field: "encoding", params: { allowed: ["utf-8-bom", "cp932"] } });
  const batchId = single(query, "batchId");
  if (batchId !== undefined && !UUID.test(batchId)) throw new BadUserInputError("batchId must be an import batch's id (a UUID)", { field: "batchId" });
  const rawStatus = single(query, "status");
  const status = rawStatus?.split(",").map((s) => s.trim().toUpperCase());
  if (status?.some((s) => !STATUSES.includes(s as OrderStatus))) {
    throw new BadUserInputError(`status must be a comma-separated list of ${STATUSES.join(", ")}`, { field: "status", params: { allowed: STATUSES } });
  }
  const createdFrom = calendarDay(query, "createdFrom");
  const createdTo = calendarDay(query, "createdTo");
  if (createdFrom && createdTo && createdTo < createdFrom) {
    throw new BadUserInputError(`createdTo ${createdTo} is before createdFrom ${createdFrom}`, { field: "createdTo", params: { from: createdFrom, to: createdTo } });
  }
  return {
    encoding,
    filter: {
      batchId: batchId?.toLowerCase(),
      status: status as OrderStatus[] | undefined,
      customerEmail: text(query, "customerEmail", MAX_EMAIL),
      customerName: text(query, "customerName", MAX_NAME),
      createdFrom,
      createdTo,
    },
  };
}
