import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphqlRequest, mustQuery } from "@ops/service-kit/testing";
import { HEADER, startImportWorld, type ImportWorld } from "./importWorld.js";

// Staged uploads against a hostile user, over HTTP on the order service: one winner per target,
// targets owned by their creator, quotas per identity, and the sweeper.
let world: ImportWorld;
const LIMITS = { maxOpenUploads: 3, maxPendingBytes: 1000 };

beforeAll(async () => {
  world = await startImportWorld({ importLimits: { maxOpenUploads: LIMITS.maxOpenUploads } });
});
afterAll(() => world?.stop());

const UPLOAD = `mutation($f: String!) { createImportUpload(filename: $f) { id uploadUrl expiresAt } }`;
const sha256 = (bytes: Buffer) => crypto.createHash("sha256").update(bytes).digest("hex");
const as = (name: string, role: "operator" | "admin" = "operator") => world.security.headersFor(role, { name });

async function target(headers: Record<string, string>, filename = "orders.csv"): Promise<string> {
  return (await mustQuery(world.service.url, UPLOAD, { f: filename }, headers)).createImportUpload.id;
}

async function put(id: string, body: BodyInit, headers: Record<string, string>, signal?: AbortSignal) {
  const res = await fetch(world.service.url.replace("/graphql", `/uploads/${id}`), {
    method: "PUT",
    headers: { ...headers, "content-type": "text/csv" },
    body,
    duplex: "half",
    signal,
  } as RequestInit);
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text), text };
}

const stateOf = async (id: string) => (await world.sql<{ state: string; size: number | null; checksum: string | null; path: string | null }>("SELECT state, size, checksum, path FROM import_uploads WHERE id = ?", id))[0];
const csv = (...rows: string[]) => `${[HEADER, ...rows].join("\r\n")}\r\n`;

/** Error bodies carry a code and a message, never a stack or a server path. */
function expectNoLeak(text: string) {
  expect(text).not.toContain(world.dir);
  expect(text).not.toMatch(/\bat \S+ \(|\.ts:\d+|stack/i);
}

describe("one winner per target", () => {
  it("two concurrent PUTs: exactly one 201 and one 409, and the stored bytes are the 201's", async () => {
    const owner = await as("racer");
    for (let round = 0; round < 4; round++) {
      const id = await target(owner);
      const bodies = [Buffer.alloc(3 * 1024 * 1024, 0x61 + round), Buffer.alloc(2 * 1024 * 1024 + 17, 0x41 + round)];
      const answers = await Promise.all(bodies.map((b) => put(id, new Uint8Array(b), owner)));
      expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
      const won = answers.findIndex((a) => a.status === 201);
      const lost = answers[1 - won]!;
      expect(lost.body.errors[0].extensions).toMatchObject({ code: "CONFLICT", field: "id", params: { id } });
      expectNoLeak(lost.text);
      const stored = (await world.storedFile((await stateOf(id))!.path!))!;
      expect(answers[won]!.body).toEqual({ id, filename: "orders.csv", size: stored.length, checksum: sha256(stored) });
      expect(sha256(stored)).toBe(sha256(bodies[won]!));
      expect(await stateOf(id)).toMatchObject({ state: "complete", size: bodies[won]!.length, checksum: sha256(bodies[won]!) });
    }
  });

  it("a PUT to a target that is receiving is refused at once (409); the transfer it raced goes on", async () => {
    const owner = await as("slow-sender");
    const id = await target(owner);
    let finish!: () => void;
    const gate = new Promise<void>((resolve) => (finish = resolve));
    let sent = 0;
    const slow = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (sent++ === 0) controller.enqueue(new TextEncoder().encode(`${HEADER}\r\n`));
        else {
          await gate;
          controller.close();
        }
      },
    });
    const first = put(id, slow, owner);
    for (let i = 0; i < 200 && (await stateOf(id))!.state !== "receiving"; i++) await new Promise((r) => setTimeout(r, 10));
    expect((await stateOf(id))!.state).toBe("receiving");
    const second = await put(id, "x,y\r\n", owner);
    expect(second.status).toBe(409);
    expect(second.body.errors[0].extensions).toMatchObject({ code: "CONFLICT", params: { state: "receiving" } });
    finish();
    const done = await first;
    expect(done.status).toBe(201);
    expect(done.body.checksum).toBe(sha256(Buffer.from(`${HEADER}\r\n`)));
    const again = await put(id, "x,y\r\n", owner);
    expect(again.status).toBe(409);
    expect(again.body.errors[0].extensions.params.state).toBe("complete");
  });

  it("an empty, refused or interrupted transfer leaves the target open for the next PUT", async () => {
    const owner = await as("interrupted");
    const id = await target(owner);
    const empty = await put(id, "", owner);
    expect(empty.status).toBe(400);
    expect((await stateOf(id))!.state).toBe("open");
    const nothingStored = async () => {
      expect(fs.readdirSync(path.join(world.dir, "imports")).filter((f) => f.startsWith(id))).toEqual([]);
      expect(await world.chunks(id)).toBe(0);
    };
    await nothingStored();
    // A client that goes away in the middle of its body.
    const abort = new AbortController();
    const endless = new ReadableStream<Uint8Array>({
      pull: (controller) => new Promise((r) => setTimeout(r, 20)).then(() => controller.enqueue(new Uint8Array(1024).fill(0x41))),
    });
    const cut = put(id, endless, owner, abort.signal).catch((e: unknown) => e);
    // Deadlines, not counts of polls: on a loaded machine the server notices the cut late.
    const until = async (state: string) => {
      for (const end = Date.now() + 15_000; (await stateOf(id))!.state !== state && Date.now() < end; ) await new Promise((r) => setTimeout(r, 10));
    };
    await until("receiving");
    abort.abort();
    await cut;
    await until("open");
    expect((await stateOf(id))!.state).toBe("open");
    await nothingStored();
    expect((await put(id, "a,b\r\n", owner)).status).toBe(201);
  }, 45_000);
});

describe("a target belongs to the identity that created it", () => {
  it("refuses another identity's PUT, startImport and retryImport as NOT_FOUND, exactly like an unknown id; nothing changes", async () => {
    const owner = await as("hanako");
    const stranger = await as("taro");
    const admin = await as("boss", "admin");
    const id = await target(owner);
    const unknown = await put(crypto.randomUUID(), "a,b\r\n", stranger);
    for (const headers of [stranger, admin]) {
      const refused = await put(id, "a,b\r\n", headers);
      expect(refused.status).toBe(404);
      expect(refused.body.errors[0].extensions.code).toBe("NOT_FOUND");
      // The same answer as for an id that does not exist (only the id in it differs).
      expect(refused.text.replaceAll(id, "<id>")).toBe(unknown.text.replace(/[0-9a-f-]{36}/g, "<id>"));
    }
    expect((await stateOf(id))!.state).toBe("open");
    expect((await put(id, csv("S-1,s@example.jp,所有 者,茶,1,500,JPY,,"), owner)).status).toBe(201);

    const imports = async () => (await world.sql<{ n: number }>("SELECT COUNT(*) AS n FROM import_history"))[0]!.n;
    const before = (await imports());
    for (const headers of [stranger, admin]) {
      const start = await graphqlRequest(world.service.url, `mutation($i: StartImportInput!) { startImport(input: $i) { id } }`, { i: { uploadId: id } }, headers);
      expect(start.errors?.[0]?.extensions).toMatchObject({ code: "NOT_FOUND", field: "input.uploadId" });
    }
    const mine = await mustQuery(world.service.url, `mutation($i: StartImportInput!) { startImport(input: $i) { id } }`, { i: { uploadId: id, force: true } }, owner);
    await world.service.imports.whenDone(Number(mine.startImport.id));
    expect(await imports()).toBe(before + 1);
    const retry = await graphqlRequest(world.service.url, `mutation($i: RetryImportInput!) { retryImport(input: $i) { id } }`, { i: { importId: mine.startImport.id, uploadId: id } }, stranger);
    expect(retry.errors?.[0]?.extensions).toMatchObject({ code: "NOT_FOUND", field: "input.uploadId" });
    expect(await imports()).toBe(before + 1);
  });
});

describe("quotas per identity", () => {
  it("refuses a target beyond the open targets allowed, even when asked for all at once", async () => {
    const owner = await as("greedy");
    const answers = await Promise.all(Array.from({ length: 8 }, () => graphqlRequest(world.service.url, UPLOAD, { f: "many.csv" }, owner)));
    const created = answers.filter((a) => a.data?.createImportUpload);
    expect(created).toHaveLength(LIMITS.maxOpenUploads);
    for (const refused of answers.filter((a) => a.errors)) {
      expect(refused.errors![0]!.extensions).toMatchObject({ code: "CONFLICT", params: { limit: "OPEN_UPLOADS", max: LIMITS.maxOpenUploads } });
    }
    expect((await world.sql<{ n: number }>("SELECT COUNT(*) AS n FROM import_uploads WHERE created_by = 'user:greedy'"))[0]!.n).toBe(LIMITS.maxOpenUploads);
    // Another identity is not affected; a target that received its file no longer counts.
    await target(await as("modest"));
    expect((await put(created[0]!.data!.createImportUpload.id, "a,b\r\n", owner)).status).toBe(201);
    await target(owner);
  });

  it("refuses files beyond the bytes stored and not yet imported, until an import uses them", async () => {
    // A service of its own, with a quota of 1,000 bytes.
    const small = await startImportWorld({ importLimits: { maxPendingBytes: LIMITS.maxPendingBytes } });
    try {
      const owner = await small.security.headersFor("operator", { name: "hoarder" });
      const create = async () => (await mustQuery(small.service.url, UPLOAD, { f: "q.csv" }, owner)).createImportUpload.id as string;
      const send = (id: string, body: string | Buffer) =>
        fetch(small.service.url.replace("/graphql", `/uploads/${id}`), { method: "PUT", headers: { ...owner, "content-type": "text/csv" }, body: typeof body === "string" ? body : new Uint8Array(body) }).then(async (r) => ({ status: r.status, body: await r.json() }));
      const state = async (id: string) => (await small.sql<{ state: string; path: string | null }>("SELECT state, path FROM import_uploads WHERE id = ?", id))[0];
      const first = await create();
      const big = csv(`H-1,h@example.jp,容量 試験,${"茶".repeat(150)},1,500,JPY,,`);
      expect(Buffer.byteLength(big)).toBeGreaterThan(500);
      expect((await send(first, big)).status).toBe(201);
      // The next file would take the identity past 1,000 bytes: refused, the target stays open.
      const second = await create();
      const over = await send(second, big.replace("H-1", "H-2"));
      expect(over.status).toBe(409);
      expect(over.body.errors[0].extensions).toMatchObject({ code: "CONFLICT", params: { limit: "PENDING_BYTES", max: LIMITS.maxPendingBytes } });
      expect(await state(second)).toEqual({ state: "open", path: null });
      // Sent chunked (no Content-Length), the same file is cut off where it passes the quota, and
      // the client still reads why: the rest of its body is read and dropped, not reset.
      const chunked = await fetch(small.service.url.replace("/graphql", `/uploads/${second}`), {
        method: "PUT",
        headers: { ...owner, "content-type": "text/csv" },
        body: new ReadableStream({
          start(controller) {
            for (let i = 0; i < 64; i++) controller.enqueue(new Uint8Array(64 * 1024).fill(0x41));
            controller.close();
          },
        }),
        duplex: "half",
      } as RequestInit);
      expect(chunked.status).toBe(409);
      expect((await chunked.json()).errors[0].extensions).toMatchObject({ code: "CONFLICT", params: { limit: "PENDING_BYTES" } });
      expect(await state(second)).toEqual({ state: "open", path: null });
      // Fill the quota exactly: no further target.
      const room = LIMITS.maxPendingBytes - Buffer.byteLength(big);
      expect((await send(second, Buffer.alloc(room, 0x41))).status).toBe(201);
      const refused = await graphqlRequest(small.service.url, UPLOAD, { f: "more.csv" }, owner);
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: "CONFLICT", params: { limit: "PENDING_BYTES", max: LIMITS.maxPendingBytes } });
      expect((await small.sql<{ n: number }>("SELECT COUNT(*) AS n FROM import_uploads"))[0]!.n).toBe(2);
      // A dry run only previews: the file still counts. A real import keeps it: it no longer does.
      const start = async (dryRun: boolean) => {
        const { startImport } = await mustQuery(small.service.url, `mutation($i: StartImportInput!) { startImport(input: $i) { id } }`, { i: { uploadId: first, dryRun } }, owner);
        await small.service.imports.whenDone(Number(startImport.id));
      };
      await start(true);
      expect((await graphqlRequest(small.service.url, UPLOAD, { f: "more.csv" }, owner)).errors?.[0]?.extensions?.code).toBe("CONFLICT");
      await start(false);
      await create();
    } finally {
      await small.stop();
    }
  });
});

describe("the sweeper", () => {
  it("expires an unused target, removes never-imported and only previewed files, keeps a file an import used", async () => {
    const owner = await as("sweeper-test");
    const open = await target(owner);
    const stored = async (content: string) => {
      const id = await target(owner);
      expect((await put(id, content, owner)).status).toBe(201);
      return id;
    };
    const unused = await stored(csv("U-1,u@example.jp,未使用,茶,1,500,JPY,,"));
    const previewed = await stored(csv("P-1,p@example.jp,下見,茶,1,500,JPY,,"));
    const imported = await stored(csv("I-1,i@example.jp,使用済み,茶,1,500,JPY,,"));
    const start = async (uploadId: string, dryRun: boolean) => {
      const { startImport } = await mustQuery(world.service.url, `mutation($i: StartImportInput!) { startImport(input: $i) { id } }`, { i: { uploadId, dryRun, force: true } }, owner);
      await world.service.imports.whenDone(Number(startImport.id));
      return startImport as { id: string };
    };
    await start(previewed, true);
    const startImport = await start(imported, false);
    const unusedPath = (await stateOf(unused))!.path!;
    const previewedPath = (await stateOf(previewed))!.path!;
    const importedPath = (await stateOf(imported))!.path!;

    const present = async (path: string) => (await world.storedFile(path)) !== null;
    // Nothing is due yet.
    expect(await world.service.uploads.sweep()).toMatchObject({ removedFiles: 0 });
    expect(await present(unusedPath)).toBe(true);

    const result = await world.service.uploads.sweep(new Date(Date.now() + 25 * 60 * 60 * 1000));
    expect(result.removedFiles).toBeGreaterThanOrEqual(2);
    expect((await stateOf(open))!.state).toBe("expired");
    expect(await stateOf(unused)).toMatchObject({ state: "expired", path: null });
    expect(await present(unusedPath)).toBe(false);
    expect(await world.chunks(unused)).toBe(0);
    // A dry run only previewed its file: removed like an unused one.
    expect((await stateOf(previewed))!.state).toBe("expired");
    expect(await present(previewedPath)).toBe(false);
    expect((await stateOf(imported))!.state).toBe("complete");
    expect(await present(importedPath)).toBe(true);
    // What the sweep did is what clients see: 410 for the expired target, CONFLICT for the removed file.
    const late = await put(open, "a,b\r\n", owner);
    expect(late.status).toBe(410);
    expect(late.body.errors[0].extensions).toMatchObject({ code: "CONFLICT", params: { state: "expired" } });
    const gone = await graphqlRequest(world.service.url, `mutation($i: StartImportInput!) { startImport(input: $i) { id } }`, { i: { uploadId: unused } }, owner);
    expect(gone.errors?.[0]?.extensions).toMatchObject({ code: "CONFLICT", field: "input.uploadId", params: { state: "expired" } });
    // The failed rows of the import still read its file.
    expect((await world.download(`/imports/${startImport.id}/failed-rows.csv`)).status).toBe(200);
  });

  it("sweeps at start, and clears what a crash or the earlier store left behind", async () => {
    const owner = await as("restart-test");
    const unused = await target(owner);
    const stuck = await target(owner);
    expect((await put(unused, "a,b\r\n", owner)).status).toBe(201);
    const unusedPath = (await stateOf(unused))!.path!;
    const dir = path.join(world.dir, "imports");
    // The earlier store's target (JSON beside its file, never imported), a crash's partial file
    // (on disk, and on PostgreSQL the first piece it stored).
    const legacy = crypto.randomUUID();
    fs.writeFileSync(path.join(dir, `${legacy}.json`), JSON.stringify({ id: legacy, complete: true, path: path.join(dir, `${legacy}.csv`) }));
    fs.writeFileSync(path.join(dir, `${legacy}.csv`), "a,b\r\n");
    fs.writeFileSync(path.join(dir, `${stuck}.part`), "half");
    const shared = world.target.kind === "postgres";
    if (shared) await world.run("INSERT INTO import_upload_chunks (upload_id, seq, bytes) VALUES (?, 0, ?)", stuck, Buffer.from("half"));
    (await world.run("UPDATE import_uploads SET state = 'receiving' WHERE id = ?", stuck));
    (await world.run("UPDATE import_uploads SET expires_at = ? WHERE id = ?", new Date(Date.now() - 60_000).toISOString().replace("Z", "+00:00"), unused));

    await world.service.stop();
    await world.start();
    expect(await world.storedFile(unusedPath)).toBeNull();
    expect((await stateOf(unused))!.state).toBe("expired");
    expect(fs.readdirSync(dir).filter((f) => f.startsWith(legacy) || f.endsWith(".part"))).toEqual([]);
    if (!shared) {
      // Alone on its disk, the service knows the target a crash left receiving is dead: it takes its file again.
      expect((await stateOf(stuck))!.state).toBe("open");
      expect((await put(stuck, "a,b\r\n", owner)).status).toBe(201);
      return;
    }
    // On PostgreSQL another replica may be receiving it: it stays claimed (a PUT hears CONFLICT)
    // until its expiry, when the sweep removes the pieces it stored.
    expect((await stateOf(stuck))!.state).toBe("receiving");
    expect((await put(stuck, "a,b\r\n", owner)).status).toBe(409);
    expect(await world.chunks(stuck)).toBe(1);
    await world.service.uploads.sweep(new Date(Date.now() + 25 * 60 * 60 * 1000));
    expect((await stateOf(stuck))!.state).toBe("expired");
    expect(await world.chunks(stuck)).toBe(0);
  });
});
