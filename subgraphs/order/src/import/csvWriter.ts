/**
 * Writing CSV for spreadsheets: RFC 4180 quoting, CRLF line ends, UTF-8 with a BOM (so Excel
 * reads it as UTF-8) or CP932, and every text cell neutralised against formula injection — in
 * every file the system writes (the import takes the neutralising apostrophe off again).
 */
import type { ServerResponse } from "node:http";
import iconv from "iconv-lite";
import { neutralise } from "./csv/formulaSafety.js";

export type OutputEncoding = "utf-8-bom" | "cp932";

/** One cell, quoted when it holds a comma, a quote or a line break. */
export function csvCell(value: string | number | null | undefined): string {
  const text = value === null || value === undefined ? "" : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record with its CRLF; text cells that a spreadsheet would run as formulas get a leading `'`. */
export function csvLine(cells: readonly (string | number | null | undefined)[]): string {
  return `${cells.map((c) => csvCell(typeof c === "string" ? neutralise(c) : c)).join(",")}\r\n`;
}

/** Encodes CSV text for the chosen output; the first chunk of UTF-8 output starts with a BOM. */
export function encodeCsv(text: string, encoding: OutputEncoding, first: boolean): Buffer {
  if (encoding === "cp932") return iconv.encode(text, "cp932");
  return Buffer.from(first ? `\uFEFF${text}` : text, "utf8");
}

/** `utf-8-bom` (default, also `utf-8`, `utf8`) or `cp932` (also `shift_jis`, `sjis`); null for anything else. */
export function parseOutputEncoding(raw: unknown, fallback: OutputEncoding = "utf-8-bom"): OutputEncoding | null {
  if (raw === undefined || raw === "") return fallback;
  if (raw === "utf-8-bom" || raw === "utf-8" || raw === "utf8") return "utf-8-bom";
  if (raw === "cp932" || raw === "shift_jis" || raw === "sjis") return "cp932";
  return null;
}

/** The client went away during a download: the work behind it stops. */
export class ClientGone extends Error {
  constructor() {
    super("the client closed the download");
  }
}

export interface CsvDownload {
  /**
   * Writes CSV text; resolves once the response can take more (back-pressure: it waits for
   * 'drain'), rejects with ClientGone when the client left. The status and headers go with the
   * first write, so an error before it is still answered as an error.
   */
  write(text: string): Promise<void>;
  end(): void;
}

/** A CSV attachment on `res`, in `encoding`, with the given Content-Disposition value. */
export function csvDownload(res: ServerResponse, encoding: OutputEncoding, disposition: string): CsvDownload {
  let first = true;
  let pageStarted = performance.now();
  const gone = () => res.destroyed || res.writableEnded;
  const waitDrain = () =>
    new Promise<void>((resolve, reject) => {
      const onDrain = () => {
        res.off("close", onClose);
        resolve();
      };
      const onClose = () => {
        res.off("drain", onDrain);
        reject(new ClientGone());
      };
      res.once("drain", onDrain);
      res.once("close", onClose);
    });
  return {
    async write(text) {
      if (gone()) throw new ClientGone();
      if (first) {
        res.writeHead(200, {
          "content-type": `text/csv; charset=${encoding === "cp932" ? "shift_jis" : "utf-8"}`,
          "content-disposition": disposition,
          "cache-control": "no-store",
          "x-content-type-options": "nosniff",
        });
      }
      const more = res.write(encodeCsv(text, encoding, first));
      first = false;
      if (!more) await waitDrain();
      // A download reads and encodes page after page on the service's one thread; when the client
      // keeps up, four of them held it for seconds (a million-order shop's exports: dashboards
      // waited 3–5 s). After each page, pause as long as the page took: downloads take at most
      // half of the thread, and the service's other requests are answered between their pages.
      await new Promise((resolve) => setTimeout(resolve, Math.min(250, Math.max(1, performance.now() - pageStarted))));
      pageStarted = performance.now();
    },
    end() {
      if (!gone()) res.end();
    },
  };
}
