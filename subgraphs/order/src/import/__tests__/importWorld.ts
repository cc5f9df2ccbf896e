/**
 * A test world for imports: the real order service over a fresh database — a SQLite file, or a
 * PostgreSQL database under `npm run test:pg` (`freshTarget`) — whose events stay in its outbox
 * (nobody receives them), with helpers to upload a file, run an import to the end, and read or
 * change rows through the data kit (SQL written with `?` placeholders, portable to both).
 */
import fs from "node:fs";
import path from "node:path";
import { CompiledQuery } from "kysely";
import type { DatabaseTarget } from "@ops/service-kit/data";
import { freshTarget, mustQuery, setDefaultHeaders, tempDir, testSecurity, type TestSecurity } from "@ops/service-kit/testing";
import { openOrderDb, type OrderServiceDb } from "../../db/index.js";
import { openUploadFile, uploadFileExists } from "../uploadFiles.js";
import { startOrderService, type OrderService, type OrderServiceOptions } from "../../server.js";

export interface ImportWorld {
  dir: string;
  target: DatabaseTarget;
  service: OrderService;
  security: TestSecurity;
  headers: Record<string, string>;
  start(): Promise<void>;
  /** Uploads `content` as `filename` and returns the upload id. */
  upload(content: string | Buffer, filename?: string): Promise<string>;
  /** Starts an import of `uploadId` with `options` and waits until it has finished. */
  importFile(content: string | Buffer, options?: Record<string, unknown>, filename?: string): Promise<any>;
  read(id: string): Promise<any>;
  /** Rows of a query (`?` placeholders) read through the data kit. */
  sql<T = any>(query: string, ...params: unknown[]): Promise<T[]>;
  /** Runs a writing statement (`?` placeholders) and returns the rows it changed (tests that move time by editing rows). */
  run(query: string, ...params: unknown[]): Promise<number>;
  download(url: string): Promise<{ status: number; body: Buffer; type: string | null }>;
  /** The stored file at `path` (`import_uploads.path`), read as the import reads it; null when it is gone. */
  storedFile(path: string): Promise<Buffer | null>;
  /** How many pieces of upload `id` the database holds (PostgreSQL keeps files there; SQLite none). */
  chunks(id: string): Promise<number>;
  stop(): Promise<void>;
}

export const IMPORT_FIELDS = `id batchId status phase totalRows rowsDone progress successCount failureCount ordersCreated validOrders encoding
  unknownColumns message dryRun errorReportUrl failedRowsUrl errors(first: 200) { totalCount edges { node { rowNumber column value reason } } }`;

/** `overrides` change the order service's options (limits, timings). */
export async function startImportWorld(overrides: Partial<OrderServiceOptions> = {}): Promise<ImportWorld> {
  const { dir, cleanup } = tempDir("ops-import-test-");
  const security = testSecurity(dir);
  const target = await freshTarget("order", dir);
  // The test's own connections: its reads stay out of the service's statement counts.
  const rows: OrderServiceDb = await openOrderDb(target, { poolSize: 2 });
  const compile = (query: string, params: unknown[]) => {
    let n = 0;
    return CompiledQuery.raw(rows.dialect === "postgres" ? query.replace(/\?/g, () => `$${++n}`) : query, params);
  };
  const headers = await security.headersFor("admin");
  const options = () => ({
    database: target,
    port: 0,
    logLevel: (process.env.TEST_LOG_LEVEL ?? "silent") as "silent",
    security: security.forService("order"),
    webhookUrls: () => ({ payment: "http://127.0.0.1:9/webhooks/events", notification: "http://127.0.0.1:9/webhooks/events" }),
    outbox: { pollMs: 3_600_000 },
    peerUrls: () => ({ payment: "http://127.0.0.1:9/graphql", notification: "http://127.0.0.1:9/graphql" }),
    importDir: path.join(dir, "imports"),
    ...overrides,
  });
  const world: ImportWorld = {
    dir,
    target,
    security,
    headers,
    service: await startOrderService(options()),
    async start() {
      world.service = await startOrderService(options());
      setDefaultHeaders(world.service.url, headers);
    },
    async upload(content, filename = "orders.csv") {
      const { createImportUpload } = await mustQuery(world.service.url, `mutation($f: String!) { createImportUpload(filename: $f) { id uploadUrl } }`, { f: filename });
      const res = await fetch(world.service.url.replace("/graphql", createImportUpload.uploadUrl), {
        method: "PUT",
        headers: { ...headers, "content-type": "text/csv" },
        body: typeof content === "string" ? content : new Uint8Array(content),
      });
      if (res.status !== 201) throw new Error(`upload failed: ${res.status} ${await res.text()}`);
      return createImportUpload.id;
    },
    async importFile(content, opts = {}, filename) {
      const uploadId = await world.upload(content, filename);
      const { startImport } = await mustQuery(world.service.url, `mutation($i: StartImportInput!) { startImport(input: $i) { id } }`, { i: { uploadId, ...opts } });
      await world.service.imports.whenDone(Number(startImport.id));
      return world.read(startImport.id);
    },
    async read(id) {
      return (await mustQuery(world.service.url, `query($id: ID!) { import(id: $id) { ${IMPORT_FIELDS} } }`, { id })).import;
    },
    async sql(query, ...params) {
      return (await rows.db.executeQuery(compile(query, params))).rows as never;
    },
    async run(query, ...params) {
      return Number((await rows.db.executeQuery(compile(query, params))).numAffectedRows ?? 0n);
    },
    async download(url) {
      const res = await fetch(world.service.url.replace("/graphql", url), { headers });
      return { status: res.status, body: Buffer.from(await res.arrayBuffer()), type: res.headers.get("content-type") };
    },
    async storedFile(path) {
      if (!(await uploadFileExists(rows.db, path))) return null;
      const pieces: Buffer[] = [];
      for await (const piece of openUploadFile(rows.db, path)) pieces.push(piece);
      return Buffer.concat(pieces);
    },
    async chunks(id) {
      return Number((await world.sql<{ n: number }>("SELECT COUNT(*) AS n FROM import_upload_chunks WHERE upload_id = ?", id))[0]!.n);
    },
    async stop() {
      await world.service.stop();
      await rows.close();
      cleanup();
    },
  };
  setDefaultHeaders(world.service.url, headers);
  fs.mkdirSync(path.join(dir, "imports"), { recursive: true });
  return world;
}

export const HEADER = "order_ref,customer_email,customer_name,product_name,quantity,unit_price,currency,payment_method,payment_status";
