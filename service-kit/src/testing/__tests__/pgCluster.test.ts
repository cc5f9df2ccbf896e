import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PgNotInstalledError, findPgBinDir, startPgCluster, type PgCluster } from "../pgCluster.js";
import { databaseExists } from "../pgAdmin.js";

const here = path.dirname(fileURLToPath(import.meta.url));

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

async function waitUntil(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

describe("findPgBinDir", () => {
  it("picks the newest installed major version", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "ops-pgbin-"));
    try {
      for (const major of ["9.6", "13", "15", "16"]) {
        const bin = path.join(root, major, "bin");
        fs.mkdirSync(bin, { recursive: true });
        // 16 is half-installed (no postgres binary): it must not be chosen.
        for (const tool of major === "16" ? ["initdb", "pg_ctl"] : ["initdb", "pg_ctl", "postgres"]) fs.writeFileSync(path.join(bin, tool), "");
      }
      expect(findPgBinDir({}, root)).toBe(path.join(root, "15", "bin"));
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it("says how to install PostgreSQL when it is missing", () => {
    const missing = path.join(os.tmpdir(), "ops-no-such-postgresql");
    expect(() => findPgBinDir({}, missing)).toThrow(PgNotInstalledError);
    expect(() => findPgBinDir({}, missing)).toThrow(/apt-get install -y postgresql/);
    expect(() => findPgBinDir({ OPS_PG_BIN_DIR: missing }, missing)).toThrow(/OPS_PG_BIN_DIR=.*apt-get install -y postgresql/);
  });
});

// A developer without PostgreSQL still runs `npm test`; CI installs it (.ci/run), so there it must run.
const installed = (() => {
  try {
    return Boolean(findPgBinDir());
  } catch {
    return false;
  }
})();

describe.skipIf(!installed && !process.env.CI)("startPgCluster", () => {
  let cluster: PgCluster;
  beforeAll(async () => {
    cluster = await startPgCluster();
  });
  afterAll(() => cluster?.stop());

  it("runs a trusted superuser on a free port with the test-speed settings", async () => {
    expect(cluster.adminUrl).toBe(`postgres://postgres@127.0.0.1:${cluster.port}/postgres`);
    const rows = await query<{ name: string; setting: string }>(
      cluster.adminUrl,
      "SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes', 'TimeZone') ORDER BY name",
    );
    expect(rows).toEqual([
      { name: "TimeZone", setting: "UTC" },
      { name: "fsync", setting: "off" },
      { name: "full_page_writes", setting: "off" },
      { name: "synchronous_commit", setting: "off" },
    ]);
    const [who] = await query<{ super: boolean }>(cluster.adminUrl, "SELECT rolsuper AS super FROM pg_roles WHERE rolname = current_user");
    expect(who?.super).toBe(true);
  });

  it("creates, clones from a template and drops databases", async () => {
    const templateUrl = await cluster.createDatabase("kit_template");
    expect(templateUrl).toBe(cluster.urlFor("kit_template"));
    await query(templateUrl, "CREATE TABLE t (id bigint PRIMARY KEY); INSERT INTO t VALUES (1), (2)");
    const copyUrl = await cluster.createDatabase("kit_copy", { template: "kit_template" });
    await query(copyUrl, "INSERT INTO t VALUES (3)");
    expect(await query(copyUrl, "SELECT count(*)::int AS n FROM t")).toEqual([{ n: 3 }]);
    // The copy is independent of its template.
    expect(await query(templateUrl, "SELECT count(*)::int AS n FROM t")).toEqual([{ n: 2 }]);
    await cluster.dropDatabase("kit_copy");
    expect(await databaseExists(cluster.adminUrl, "kit_copy")).toBe(false);
    await expect(cluster.createDatabase("Robert'); DROP")).rejects.toThrow(/not a usable database name/);
  });

  it("stops the server and removes its files", async () => {
    const other = await startPgCluster();
    expect(other.port).not.toBe(cluster.port);
    expect(await portOpen(other.port)).toBe(true);
    await other.stop();
    expect(await portOpen(other.port)).toBe(false);
    expect(fs.existsSync(other.dir)).toBe(false);
    await other.stop(); // twice is harmless
  });

  it.each(["exits", "is killed"])("stops when the process that started it %s", async (how) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(here, "fixtures", "startClusterChild.ts"), how === "exits" ? "exit" : "wait"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const line = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        if (out.includes("\n")) resolve(out.split("\n")[0]!);
      });
      child.once("exit", (code) => reject(new Error(`child exited (${code}) before starting a cluster`)));
    });
    const { port, dir } = JSON.parse(line) as { port: number; dir: string };
    if (how === "is killed") child.kill("SIGKILL");
    // The exit hook stops it at once; after SIGKILL the watchdog notices within a second.
    expect(await waitUntil(async () => !(await portOpen(port)) && !fs.existsSync(dir), 10_000)).toBe(true);
  });
});
