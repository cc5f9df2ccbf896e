/**
 * Uploads between order replicas on one PostgreSQL database (`npm run test:pg`): the file lives
 * in the database, so a PUT received by one replica is imported by another, and neither's
 * import directory ever holds it. A transfer cut off half-way and an expired target leave no
 * pieces. (SQLite has one order service per file, and keeps files on its disk: uploads.test.ts.)
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphqlRequest, mustQuery, PG_ADMIN_URL_VARIABLE, setDefaultHeaders } from "@ops/service-kit/testing";
import { startOrderService, type OrderService } from "../../server.js";
import { HEADER, startImportWorld, type ImportWorld } from "./importWorld.js";

const sha256 = (bytes: Buffer) => crypto.createHash("sha256").update(bytes).digest("hex");
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const UPLOAD = `mutation($f: String!) { createImportUpload(filename: $f) { id uploadUrl } }`;
const START = `mutation($i: StartImportInput!) { startImport(input: $i) { id batchId } }`;

describe.runIf(process.env[PG_ADMIN_URL_VARIABLE])("uploads between replicas (PostgreSQL)", () => {
  let world: ImportWorld;
  let second: OrderService;
  let dirs: string[];

  beforeAll(async () => {
    // Replica 1 is the world's service; replica 2 shares its database and secrets, with an import
    // directory of its own (as on another machine).
    world = await startImportWorld();
    const otherDir = path.join(world.dir, "replica-2-imports");
    second = await startOrderService({
      database: world.target,
      port: 0,
      logLevel: "silent",
      security: world.security.forService("order"),
      webhookUrls: () => ({ payment: "http://127.0.0.1:9/webhooks/events", notification: "http://127.0.0.1:9/webhooks/events" }),
      outbox: { pollMs: 3_600_000 },
      peerUrls: () => ({ payment: "http://127.0.0.1:9/graphql", notification: "http://127.0.0.1:9/graphql" }),
      importDir: otherDir,
    });
    setDefaultHeaders(second.url, world.headers);
    dirs = [path.join(world.dir, "imports"), otherDir];
  }, 60_000);
  afterAll(async () => {
    await second?.stop();
    await world?.stop();
  });

  const filesOnDisk = () => dirs.flatMap((dir) => fs.readdirSync(dir));
  const put = (service: OrderService, uploadUrl: string, body: BodyInit, signal?: AbortSignal) =>
    fetch(service.url.replace("/graphql", uploadUrl), { method: "PUT", headers: { ...world.headers, "content-type": "text/csv" }, body, duplex: "half", signal } as RequestInit);
  const stateOf = async (id: string) => (await world.sql<{ state: string; checksum: string | null }>("SELECT state, checksum FROM import_uploads WHERE id = ?", id))[0]!;

  it("a file PUT to replica 1 is imported by replica 2 with replica 1 stopped: same checksum, every row; neither disk holds it", async () => {
    // 30,000 orders (~3 MB, several pieces), one invalid row for the failed-rows download.
    const lines = [HEADER];
    for (let i = 0; i < 30_000; i++) lines.push(`R-${i},r${i}@example.jp,複製 太郎 ${i},静岡 煎茶 ${i % 97},${1 + (i % 5)},${500 + i},JPY,,`);
    lines.push("R-bad,not-an-email,壊れた 行,茶,1,500,JPY,,");
    const content = Buffer.from(`${lines.join("\r\n")}\r\n`);
    expect(content.length).toBeGreaterThan(2 * 1024 * 1024);

    const { createImportUpload: target } = await mustQuery(world.service.url, UPLOAD, { f: "replicas.csv" });
    const res = await put(world.service, target.uploadUrl, new Uint8Array(content));
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ id: target.id, size: content.length, checksum: sha256(content) });
    expect(await world.chunks(target.id)).toBe(Math.ceil(content.length / (1 << 20)));
    expect(filesOnDisk()).toEqual([]);

    // Replica 1 is gone: only the database has the file.
    await world.service.stop();
    const { startImport } = await mustQuery(second.url, START, { i: { uploadId: target.id } });
    expect(await second.imports.whenDone(Number(startImport.id))).toBe("completed_with_errors");
    const [job] = await world.sql<{ checksum: string; success_count: number; failure_count: number; upload_path: string }>(
      "SELECT checksum, success_count, failure_count, upload_path FROM import_history WHERE id = ?",
      Number(startImport.id),
    );
    expect(job).toMatchObject({ checksum: sha256(content), success_count: 30_000, failure_count: 1, upload_path: `db:${target.id}` });
    const [orders] = await world.sql<{ n: number; total: number }>("SELECT COUNT(*) AS n, SUM(total_amount) AS total FROM orders WHERE batch_id = ?", startImport.batchId);
    let total = 0;
    for (let i = 0; i < 30_000; i++) total += (1 + (i % 5)) * (500 + i);
    expect({ n: Number(orders!.n), total: Number(orders!.total) }).toEqual({ n: 30_000, total });
    // The stored bytes read back whole, and the failed rows come from them.
    expect(sha256((await world.storedFile(job!.upload_path))!)).toBe(sha256(content));
    const failed = await fetch(second.url.replace("/graphql", `/imports/${startImport.id}/failed-rows.csv`), { headers: world.headers });
    expect(failed.status).toBe(200);
    expect(await failed.text()).toContain("R-bad,not-an-email");

    // Replica 1 back: it reads the same file.
    await world.start();
    expect((await world.download(`/imports/${startImport.id}/failed-rows.csv`)).body.toString()).toContain("R-bad,not-an-email");
    expect(filesOnDisk()).toEqual([]);
  }, 120_000);

  it("a PUT cut off after some pieces were stored leaves none, and the target open for the next PUT", async () => {
    const { createImportUpload: target } = await mustQuery(second.url, UPLOAD, { f: "cut.csv" });
    const abort = new AbortController();
    let sent = 0;
    // 64 KB at a time; after 3 MB it stalls until the client gives up.
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (sent >= 3 * 1024 * 1024) return sleep(60_000);
        sent += 64 * 1024;
        controller.enqueue(new Uint8Array(64 * 1024).fill(0x41));
      },
    });
    const cut = put(second, target.uploadUrl, body, abort.signal).catch((e: unknown) => e);
    for (const end = Date.now() + 15_000; (await world.chunks(target.id)) < 2 && Date.now() < end; ) await sleep(20);
    expect(await world.chunks(target.id)).toBeGreaterThanOrEqual(2);
    expect((await stateOf(target.id)).state).toBe("receiving");
    abort.abort();
    await cut;
    for (const end = Date.now() + 15_000; (await stateOf(target.id)).state !== "open" && Date.now() < end; ) await sleep(20);
    expect(await stateOf(target.id)).toEqual({ state: "open", checksum: null });
    expect(await world.chunks(target.id)).toBe(0);
    // The next PUT, through the other replica, stores its own file from piece 0.
    const file = Buffer.from(`${HEADER}\r\nC-1,c@example.jp,再送 花子,茶,1,500,JPY,,\r\n`);
    expect((await put(world.service, target.uploadUrl, new Uint8Array(file))).status).toBe(201);
    expect(await world.chunks(target.id)).toBe(1);
    expect(sha256((await world.storedFile(`db:${target.id}`))!)).toBe(sha256(file));
    expect(filesOnDisk()).toEqual([]);
  }, 60_000);

  it("a transfer on one replica that runs past its target's first expiry is not swept by the other's sweeper", async () => {
    const { createImportUpload: target } = await mustQuery(second.url, UPLOAD, { f: "slow.csv" });
    // The target was about to expire when its PUT began.
    await world.run("UPDATE import_uploads SET expires_at = ? WHERE id = ?", new Date(Date.now() + 1_500).toISOString().replace("Z", "+00:00"), target.id);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (sent === 2) {
          await gate;
          return controller.close();
        }
        sent += 1;
        controller.enqueue(new Uint8Array(sent === 1 ? new TextEncoder().encode(`${HEADER}\r\n`) : new Uint8Array(1536 * 1024).fill(0x20)));
      },
    });
    const transfer = put(second, target.uploadUrl, body);
    for (const end = Date.now() + 15_000; (await world.chunks(target.id)) < 1 && Date.now() < end; ) await sleep(20);
    await sleep(2_000);
    // Replica 1 cannot see replica 2's transfer; the target's first expiry has passed.
    expect(await world.service.uploads.sweep()).toMatchObject({ expiredTargets: 0 });
    expect((await stateOf(target.id)).state).toBe("receiving");
    release();
    const done = await transfer;
    expect(done.status).toBe(201);
    expect(await stateOf(target.id)).toMatchObject({ state: "complete" });
    expect(await world.chunks(target.id)).toBe(2);
  }, 60_000);

  it("the sweeper of either replica removes the pieces of a file no import used once it expires, and keeps an imported one", async () => {
    const store = async (content: Buffer) => {
      const { createImportUpload: target } = await mustQuery(second.url, UPLOAD, { f: "sweep.csv" });
      expect((await put(second, target.uploadUrl, new Uint8Array(content))).status).toBe(201);
      return target.id as string;
    };
    const unused = await store(Buffer.alloc(2.5 * 1024 * 1024, 0x42));
    const imported = await store(Buffer.from(`${HEADER}\r\nK-1,k@example.jp,保存 次郎,茶,1,500,JPY,,\r\n`));
    const { startImport } = await mustQuery(second.url, START, { i: { uploadId: imported } });
    await second.imports.whenDone(Number(startImport.id));
    expect(await world.chunks(unused)).toBe(3);

    expect(await world.service.uploads.sweep()).toMatchObject({ removedFiles: 0 });
    expect(await world.chunks(unused)).toBe(3);
    const swept = await world.service.uploads.sweep(new Date(Date.now() + 25 * 60 * 60 * 1000));
    expect(swept.removedBytes).toBeGreaterThanOrEqual(2.5 * 1024 * 1024);
    expect((await stateOf(unused)).state).toBe("expired");
    expect(await world.chunks(unused)).toBe(0);
    expect((await stateOf(imported)).state).toBe("complete");
    expect(await world.chunks(imported)).toBe(1);
    // The owner hears that the file is gone, from either replica.
    for (const service of [world.service, second]) {
      const refused = await graphqlRequest(service.url, START, { i: { uploadId: unused } });
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: "CONFLICT", field: "input.uploadId", params: { id: unused, state: "expired" } });
    }
  }, 60_000);
});
