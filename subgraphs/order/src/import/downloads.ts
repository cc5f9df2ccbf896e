/**
 * Downloads for spreadsheets, on the order service (the gateway passes them through, signed in):
 *  GET /imports/:id/errors.csv       the error report (row, column, value, reason), formula-safe
 *  GET /imports/:id/failed-rows.csv  the rows of rejected orders in the import format, to fix and retry
 *  GET /exports/orders.csv           orders of a batch or a filter in the import format (round trip)
 * `?encoding=utf-8-bom` (default) or `cp932`; error reports also take `source` (the file's own).
 */
import fs from "node:fs";
import type { IncomingMessage } from "node:http";
import type { Express, Response } from "express";
import { AppError, BadUserInputError, NotFoundError, type Identity, type Role, type SqliteReader } from "@ops/service-kit";
import type { OrderDb } from "../db.js";
import { filterSql } from "../domain/listOrders.js";
import { AutoDecoder, CsvParser, isBlankRecord } from "./csv/index.js";
import { csvLine, encodeCsv, parseOutputEncoding, type OutputEncoding } from "./csvWriter.js";

type Authenticate = (req: IncomingMessage, role: Role) => Promise<Identity>;

function fail(res: Response, err: unknown): void {
  if (res.headersSent) return void res.destroy();
  const status = err instanceof AppError ? ({ UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404, BAD_USER_INPUT: 400 } as Record<string, number>)[String(err.extensions.code)] ?? 500 : 500;
  res.status(status).json({ errors: [{ message: err instanceof AppError ? err.message : "Internal server error", extensions: { code: err instanceof AppError ? err.extensions.code : "INTERNAL_SERVER_ERROR" } }] });
}

function startCsv(res: Response, filename: string, encoding: OutputEncoding) {
  res.status(200);
  res.setHeader("content-type", `text/csv; charset=${encoding === "cp932" ? "shift_jis" : "utf-8"}`);
  res.setHeader("content-disposition", `attachment; filename="${filename}"`);
  let first = true;
  return (text: string) => {
    const ok = res.write(encodeCsv(text, encoding, first));
    first = false;
    return ok;
  };
}

const IMPORT_HEADER = ["order_ref", "customer_email", "customer_name", "product_name", "quantity", "unit_price", "currency"];

export function mountDownloadRoutes(app: Express, deps: { db: OrderDb; reader: SqliteReader }, authenticate: Authenticate): void {
  const importFor = async (req: IncomingMessage, id: string) => {
    await authenticate(req, "viewer");
    const row = /^\d+$/.test(id) ? await deps.db.importHistory.findUnique({ where: { id: Number(id) } }) : null;
    if (!row) throw new NotFoundError(`Import ${id} does not exist`);
    return row;
  };

  app.get("/imports/:id/errors.csv", async (req, res) => {
    try {
      const job = await importFor(req, String(req.params.id));
      const requested = req.query.encoding === "source" ? (job.encoding === "cp932" ? "cp932" : "utf-8-bom") : req.query.encoding;
      const encoding = parseOutputEncoding(requested);
      if (!encoding) throw new BadUserInputError("encoding must be utf-8-bom, cp932 or source");
      const write = startCsv(res, `import-${job.id}-errors.csv`, encoding);
      write(csvLine(["row_number", "column", "value", "reason"], true));
      let after = 0;
      for (;;) {
        const page = await deps.db.importError.findMany({ where: { importId: job.id, id: { gt: after } }, orderBy: { id: "asc" }, take: 5000 });
        if (page.length === 0) break;
        write(page.map((e) => csvLine([e.rowNumber, e.column, e.value, e.reason], true)).join(""));
        after = page[page.length - 1]!.id;
      }
      res.end();
    } catch (err) {
      fail(res, err);
    }
  });

  app.get("/imports/:id/failed-rows.csv", async (req, res) => {
    try {
      const job = await importFor(req, String(req.params.id));
      const failed = new Set((await deps.db.importError.findMany({ where: { importId: job.id }, select: { rowNumber: true } })).map((e) => e.rowNumber));
      if (!fs.existsSync(job.uploadPath)) throw new NotFoundError(`The file of import ${job.id} is no longer on the server`);
      const decoder = new AutoDecoder();
      const parser = new CsvParser();
      const encoding = parseOutputEncoding(req.query.encoding === "source" ? undefined : req.query.encoding) ?? "utf-8-bom";
      let header: string[] | null = null;
      let refColumn = -1;
      const lines: string[] = [];
      const onRecord = (fields: string[], line: number) => {
        if (!header) {
          if (isBlankRecord(fields)) return;
          header = fields;
          refColumn = fields.findIndex((f) => f.normalize("NFKC").trim().toLowerCase() === "order_ref");
          // Rows without an order_ref keep their key (#<row>) so a retry lands on the same order.
          lines.push(csvLine(refColumn >= 0 ? fields : ["order_ref", ...fields], false));
          return;
        }
        if (!failed.has(line)) return;
        const cells = refColumn >= 0 ? [...fields] : ["", ...fields];
        const at = refColumn >= 0 ? refColumn : 0;
        if (!cells[at]?.trim()) cells[at] = `#${line}`;
        lines.push(csvLine(cells, false));
      };
      for await (const chunk of fs.createReadStream(job.uploadPath, { highWaterMark: 1 << 20 })) parser.push(decoder.write(chunk as Buffer), onRecord);
      parser.push(decoder.end(), onRecord);
      parser.end(onRecord);
      const write = startCsv(res, `import-${job.id}-failed-rows.csv`, encoding);
      write(lines.join(""));
      res.end();
    } catch (err) {
      fail(res, err);
    }
  });

  app.get("/exports/orders.csv", async (req, res) => {
    try {
      await authenticate(req, "viewer");
      const q = req.query as Record<string, string | undefined>;
      const encoding = parseOutputEncoding(q.encoding);
      if (!encoding) throw new BadUserInputError("encoding must be utf-8-bom or cp932");
      const status = q.status ? q.status.split(",").map((s) => s.trim().toUpperCase()) : null;
      const filter = filterSql({ batchId: q.batchId, customerEmail: q.customerEmail, customerName: q.customerName, createdFrom: q.createdFrom, createdTo: q.createdTo, status: status as never });
      const write = startCsv(res, q.batchId ? `batch-${q.batchId}.csv` : "orders.csv", encoding);
      write(csvLine(IMPORT_HEADER, false));
      let after = 0;
      for (;;) {
        const orders = deps.reader.all<{ id: number; order_key: string | null; customer_email: string; customer_name: string; currency: string }>(
          `SELECT id, order_key, customer_email, customer_name, currency FROM orders WHERE ${[...filter.where, "id > ?"].join(" AND ")} ORDER BY id LIMIT 2000`,
          ...filter.params,
          after,
        );
        if (orders.length === 0) break;
        const items = deps.reader.all<{ order_id: number; product_name: string; quantity: number; unit_price: number }>(
          "SELECT order_id, product_name, quantity, unit_price FROM order_items WHERE order_id IN (SELECT value FROM json_each(?)) ORDER BY order_id, id",
          JSON.stringify(orders.map((o) => o.id)),
        );
        const byOrder = new Map(orders.map((o) => [o.id, o]));
        const text = items
          .map((i) => {
            const o = byOrder.get(i.order_id)!;
            const ref = o.order_key && !o.order_key.startsWith("#") ? o.order_key : `ORDER-${o.id}`;
            return csvLine([ref, o.customer_email, o.customer_name, i.product_name, i.quantity, i.unit_price, o.currency], false);
          })
          .join("");
        if (!write(text)) await new Promise((r) => res.once("drain", r));
        after = orders[orders.length - 1]!.id;
      }
      res.end();
    } catch (err) {
      fail(res, err);
    }
  });
}
