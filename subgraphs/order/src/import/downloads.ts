/**
 * Downloads for spreadsheets, on the order service (the gateway passes them through, signed in):
 *  GET /imports/:id/errors.csv       the error report (row, column, value, reason)
 *  GET /imports/:id/failed-rows.csv  the rows of rejected orders in the import format, to fix and retry
 *  GET /exports/orders.csv           orders of a batch or a filter in the import format (round trip)
 * `?encoding=utf-8-bom` (default) or `cp932`; the reports also take `source` (the file's own).
 *
 * Each streams from the database a page at a time with back-pressure, so its memory does not
 * grow with the import or the shop; every text cell is formula-safe; an identity runs at most
 * `maxDownloads` at once (beyond: 429 with Retry-After); parameters are checked first (400).
 */
import type { IncomingMessage } from "node:http";
import path from "node:path";
import express, { type Express, type Request, type Response } from "express";
import { NotFoundError, type Identity, type Logger, type Role } from "@ops/service-kit";
import { errorReportPage, exportPage, failedRowNumbers, reportedImport, type ReportedImport } from "../db/downloads.js";
import type { OrderServiceDb } from "../db/index.js";
import { listFilter } from "../domain/listOrders.js";
import { attachment } from "./contentDisposition.js";
import { ClientGone, csvDownload, csvLine, type CsvDownload, type OutputEncoding } from "./csvWriter.js";
import type { DownloadLimiter } from "./downloadLimiter.js";
import { parseExportParams, parseImportId, parseReportParams, type ReportEncoding } from "./downloadParams.js";
import { FAILED_ROWS_CHUNK, writeFailedRows } from "./failedRows.js";
import { fileRouteErrorHandler, sendFailure, sendJsonError } from "./fileRouteErrors.js";
import { openUploadFile, uploadFileExists } from "./uploadFiles.js";
import { ownerOf } from "./uploads.js";

type Authenticate = (req: IncomingMessage, role: Role) => Promise<Identity>;

/** What a client is told to wait before trying again when it runs too many downloads. */
export const DOWNLOAD_RETRY_AFTER_SECONDS = 5;
const ERROR_PAGE = 2000;
/** Orders per page of an export (at most MAX_ITEMS items each; ~3 on average). */
const ORDERS_PAGE = 500;
const IMPORT_HEADER = ["order_ref", "customer_email", "customer_name", "product_name", "quantity", "unit_price", "currency"];

type ImportRow = ReportedImport;

export interface DownloadDeps {
  database: OrderServiceDb;
  limiter: DownloadLimiter;
  logger: Logger;
}

/** The name a report is saved under: the uploaded file's name with a suffix (its ASCII fallback: the import's id). */
function reportName(job: ImportRow, suffix: string): { name: string; fallback: string } {
  const stem = path.basename(job.filename).replace(/\.csv$/i, "") || "import";
  return { name: `${stem}-${suffix}.csv`, fallback: `import-${job.id}-${suffix}.csv` };
}

function outputEncoding(requested: ReportEncoding, job: ImportRow): OutputEncoding {
  if (requested !== "source") return requested;
  return job.encoding === "cp932" ? "cp932" : "utf-8-bom";
}

export function mountDownloadRoutes(app: Express, deps: DownloadDeps, authenticate: Authenticate): void {
  const { database, limiter, logger } = deps;

  /**
   * Signs the caller in, checks the parameters, takes a download slot (freed when the answer
   * ends, however it ends), then runs `body`; errors before the first byte are answered as JSON.
   */
  const download = <P>(what: string, parse: (req: Request) => P, body: (params: P, req: Request, res: Response) => Promise<void>) =>
    async (req: Request, res: Response) => {
      let release: (() => void) | null = null;
      try {
        const identity = await authenticate(req, "viewer");
        const params = parse(req);
        release = limiter.acquire(ownerOf(identity));
        if (!release) {
          sendJsonError(
            res,
            429,
            { message: `You are already running ${limiter.max} downloads; wait until one has finished`, code: "TOO_MANY_REQUESTS", params: { max: limiter.max, retryAfterSeconds: DOWNLOAD_RETRY_AFTER_SECONDS } },
            { "retry-after": String(DOWNLOAD_RETRY_AFTER_SECONDS) },
          );
          return;
        }
        res.once("close", release);
        await body(params, req, res);
      } catch (err) {
        if (!(err instanceof ClientGone)) sendFailure(res, err, logger, what);
      } finally {
        if (release && (res.writableEnded || res.destroyed)) release();
      }
    };

  const importById = async (id: number): Promise<ImportRow> => {
    const job = await reportedImport(database.db, id);
    if (!job) throw new NotFoundError(`Import ${id} does not exist`, { field: "id", params: { id } });
    return job;
  };

  const reportParams = (req: Request) => ({ id: parseImportId(String(req.params.id)), ...parseReportParams(req.query) });

  const router = express.Router();

  router.get(
    "/imports/:id/errors.csv",
    download("error report", reportParams, async ({ id, encoding }, _req, res) => {
      const job = await importById(id);
      const { name, fallback } = reportName(job, "errors");
      const out = csvDownload(res, outputEncoding(encoding, job), attachment(name, fallback));
      await out.write(csvLine(["row_number", "column", "value", "reason"]));
      // Keyset over the (import_id, row_number) index: the report in row order, a page at a time.
      let after = { row: 0, id: 0 };
      for (;;) {
        const page = await errorReportPage(database.db, job.id, after, ERROR_PAGE);
        if (page.length === 0) break;
        await out.write(page.map((e) => csvLine([e.rowNumber, e.column, e.value, e.reason])).join(""));
        const last = page[page.length - 1]!;
        after = { row: last.rowNumber, id: last.id };
      }
      out.end();
    }),
  );

  router.get(
    "/imports/:id/failed-rows.csv",
    download("failed rows", reportParams, async ({ id, encoding }, _req, res) => {
      const job = await importById(id);
      if (!(await uploadFileExists(database.db, job.uploadPath))) {
        throw new NotFoundError(`The file of import ${job.id} is no longer on the server`, { field: "id", params: { id: job.id } });
      }
      const { name, fallback } = reportName(job, "failed-rows");
      const out: CsvDownload = csvDownload(res, outputEncoding(encoding, job), attachment(name, fallback));
      const failedAfter = (after: number, limit: number) => failedRowNumbers(database.db, job.id, after, limit);
      await writeFailedRows(openUploadFile(database.db, job.uploadPath, FAILED_ROWS_CHUNK), failedAfter, (text) => out.write(text));
      out.end();
    }),
  );

  router.get(
    "/exports/orders.csv",
    download("order export", (req) => parseExportParams(req.query), async ({ filter, encoding }, _req, res) => {
      // The orders list's own filter; a name is matched on its key alone (the list's walk over the
      // name's pieces serves a page of newest orders, an export walks ids).
      const normalised = await listFilter(database.db, filter);
      const where = normalised.name ? { ...normalised, name: null, nameContains: normalised.name.key } : normalised;
      const name = filter.batchId ? `batch-${filter.batchId}.csv` : "orders.csv";
      const out = csvDownload(res, encoding, attachment(name));
      await out.write(csvLine(IMPORT_HEADER));
      // Keyset pages by id, each order with its items, written before the next page is read.
      for (let after = 0; ; ) {
        const page = await exportPage(database.db, where, after, ORDERS_PAGE);
        if (page.length === 0) break;
        await out.write(
          page
            .flatMap((o) => {
              const ref = o.orderKey && !o.orderKey.startsWith("#") ? o.orderKey : `ORDER-${o.id}`;
              return o.items.map((i) => csvLine([ref, o.customerEmail, o.customerName, i.productName, i.quantity, i.unitPrice, o.currency]));
            })
            .join(""),
        );
        after = page[page.length - 1]!.id;
      }
      out.end();
    }),
  );

  router.use(fileRouteErrorHandler(logger));
  app.use(router);
}
