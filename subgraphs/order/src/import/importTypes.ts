/** The shapes the bulk import shares between the GraphQL layer, the job runner and the worker. */
import type { SendConfirmations } from "@ops/contracts";
import type { JobStatus } from "../jobs/jobTypes.js";

export type { SendConfirmations };

export interface ImportOptions {
  /** Validate and report exactly what a real run would do, writing nothing. */
  dryRun: boolean;
  /** Write nothing unless every row of the file is valid. */
  atomic: boolean;
  /** EACH: an ORDER_CONFIRMATION per imported order; NONE: a NOT_SENT record per order. */
  sendConfirmations: SendConfirmations;
  /** Rows with payment_method get a payment (COMPLETED unless payment_status says pending). */
  createPayments: boolean;
  /** Import even if a file with the same checksum was imported before. */
  force: boolean;
}

export const DEFAULT_OPTIONS: ImportOptions = { dryRun: false, atomic: false, sendConfirmations: "EACH", createPayments: true, force: false };

export type ImportStatus = JobStatus;

export const FINISHED: readonly ImportStatus[] = ["completed", "completed_with_errors", "failed", "cancelled"];

/** One row of an order in the staging table (`data` column). */
export interface StagedRow {
  valid: boolean;
  customerEmail?: string;
  customerName?: string;
  productName?: string;
  quantity?: number;
  unitPrice?: number;
  currency?: string;
  paymentMethod?: string | null;
  paymentStatus?: "completed" | "pending";
}

/**
 * Why an import ended as it did, as a stable code next to its English `message` (the params it
 * mentions are stored as JSON; `row` is a spreadsheet row): CSV_MISSING_COLUMNS {columns},
 * CSV_FORMAT {row} (before spreadsheet rows: {line}), CSV_ENCODING {byteOffset} (UTF-16),
 * CSV_ENCODING_INVALID {row, encoding}, CSV_ROW_TOO_MANY_FIELDS {row, max}, CSV_CELL_TOO_LONG
 * {row, max}, CSV_ROW_TOO_LONG {row, max}, ATOMIC_REFUSED {failedOrders}, CANCELLED_BEFORE_START,
 * CANCELLED_BY_OPERATOR, DRY_RUN, INTERNAL_ERROR, IMPORT_CRASHED {attempts, cause,
 * detail} (see jobs/jobAttempts.ts).
 */
export type ImportMessageCode =
  | "CSV_MISSING_COLUMNS"
  | "CSV_FORMAT"
  | "CSV_ENCODING"
  | "CSV_ENCODING_INVALID"
  | "CSV_ROW_TOO_MANY_FIELDS"
  | "CSV_CELL_TOO_LONG"
  | "CSV_ROW_TOO_LONG"
  | "ATOMIC_REFUSED"
  | "CANCELLED_BEFORE_START"
  | "CANCELLED_BY_OPERATOR"
  | "DRY_RUN"
  | "INTERNAL_ERROR"
  | "IMPORT_CRASHED";

export { CANCELLED_BEFORE_START } from "../jobs/jobTypes.js";

/** Statuses in which an import of a file counts as done (or being done): the same file again is a duplicate. */
export const IMPORTED_STATUSES = ["pending", "running", "completed", "completed_with_errors"] as const satisfies readonly ImportStatus[];
