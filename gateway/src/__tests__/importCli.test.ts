import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { generateApiKey, hashApiKey, REPO_ROOT, writeApiKeyFile } from "@ops/service-kit";
import { mustQuery } from "@ops/service-kit/testing";
import { bar, duration, eta, ProgressLine } from "../../scripts/progressLine.js";
import { startInProcessStack, type InProcessStack } from "./inProcessStack.js";
import { TEST_USERS, writeTestUsers } from "./signIn.js";

// `npm run import` as an operator runs it (the same node flags as npm's tsx), against the
// in-process stack's gateway, signed in with an API key; output is not a TTY here.
const SCRIPT = path.join(REPO_ROOT, "gateway", "scripts", "importCsv.ts");
const EXAMPLE = path.join(REPO_ROOT, "subgraphs", "order", "examples", "orders-example.csv");

let stack: InProcessStack;
let key: string;
let dir: string;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the command line without blocking this process: the stack it talks to lives here. */
function importCli(args: string[], env: Record<string, string | undefined> = {}, onStderr?: (text: string, child: ChildProcess) => void): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", SCRIPT, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, OPS_API_KEY: key, OPS_USER: undefined, OPS_PASSWORD: undefined, INIT_CWD: dir, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString("utf8");
      onStderr?.(stderr, child);
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** A port nothing listens on (fetch refuses "bad ports" such as 9 before connecting). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  stack = await startInProcessStack();
  key = generateApiKey();
  writeApiKeyFile(stack.security.apiKeysFile, [{ name: "csv-import", role: "operator", keyHash: hashApiKey(key), createdAt: new Date().toISOString() }]);
  dir = path.join(stack.dir, "cli");
  fs.mkdirSync(dir);
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

describe("npm run import", () => {
  it("imports the example file and prints a summary; exit status 0 for COMPLETED", async () => {
    const file = path.join(dir, "orders-example.csv");
    fs.copyFileSync(EXAMPLE, file);
    const run = await importCli(["orders-example.csv", "--gateway", new URL(stack.gateway.url).origin]);
    expect(run.stderr).toMatch(/Uploaded orders-example\.csv: 1\.\d KB/);
    expect(run.stderr).toMatch(/^import \d+: queued\n/m);
    expect(run.stderr).toMatch(/^import \d+: completed \(10 \/ 10 rows\)\n/m);
    expect(run.stderr).not.toContain("\r");
    expect(run.stdout).toMatch(/^Import \d+: COMPLETED\n/);
    expect(run.stdout).toContain("  rows      10: 10 imported, 0 failed\n");
    expect(run.stdout).toContain("  orders    6 created\n");
    expect(run.code).toBe(0);
    const batchId = /batch {5}(\S+)/.exec(run.stdout)![1];
    const data = await mustQuery(stack.gateway.url, `query($b: ID!) { orders(first: 10, filter: { batchId: $b }) { totalCount } }`, { b: batchId }, await stack.as("viewer"));
    expect(data.orders.totalCount).toBe(6);
  });

  it("refuses the same file again with a hint at --force (exit 1); a --dry-run still checks it", async () => {
    const again = await importCli([path.join(dir, "orders-example.csv"), "--gateway", stack.gateway.url]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/orders-example\.csv was already imported \(import \d+, batch /);
    expect(again.stderr).toContain("run the same command with --force");
    const dry = await importCli([path.join(dir, "orders-example.csv"), "--gateway", stack.gateway.url, "--dry-run", "--send-confirmations", "none", "--no-payments"]);
    expect(dry.stdout).toMatch(/COMPLETED \(dry run: nothing was written\)/);
    expect(dry.stdout).toContain("  orders    6 would be created\n");
    expect(dry.code).toBe(0);
  });

  it("on failures prints the first errors, downloads the error report next to the file, exit status 2", async () => {
    const file = path.join(dir, "with-errors.csv");
    const rows = [
      "order_ref,customer_email,customer_name,product_name,quantity,unit_price",
      "A-1,hanako@example.jp,佐藤 花子,煎茶,1,1200",
      "A-2,not-an-email,山田 太郎,抹茶,=1+2,800",
      "A-3,jiro@example.jp,鈴木 次郎,湯呑み,2,１５００円",
    ];
    fs.writeFileSync(file, `${rows.join("\r\n")}\r\n`);
    const run = await importCli([file, "--gateway", stack.gateway.url]);
    expect(run.stdout).toMatch(/^Import \d+: COMPLETED_WITH_ERRORS\n/);
    expect(run.stdout).toContain("  rows      3: 2 imported, 1 failed\n");
    expect(run.stdout).toMatch(/row 3 +customer_email +customer_email is not a valid e-mail address \("not-an-email"\)/);
    expect(run.stdout).toMatch(/row 3 +quantity +quantity must be a whole number greater than 0 \("=1\+2"\)/);
    const report = path.join(dir, "with-errors.errors.csv");
    expect(run.stdout).toContain(`Error report: ${report}`);
    expect(run.code).toBe(2);
    const bytes = fs.readFileSync(report);
    expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const text = bytes.toString("utf8");
    expect(text).toContain("row_number,column,value,reason\r\n");
    // Formula-injection safe: the cell is shown as text by a spreadsheet.
    expect(text).toContain("3,quantity,'=1+2,");
  });

  it("cancels the import on Ctrl+C with --cancel-on-interrupt (exit 1, CANCELLED)", async () => {
    const file = path.join(dir, "large.csv");
    const lines = ["order_ref,customer_email,customer_name,product_name,quantity,unit_price"];
    for (let i = 0; i < 200_000; i++) lines.push(`L-${i >> 1},c${i >> 1}@example.jp,顧客 ${i >> 1},商品 ${i % 7},1,${1000 + (i % 9)}`);
    fs.writeFileSync(file, `${lines.join("\n")}\n`);
    let sent = false;
    const run = await importCli([file, "--gateway", stack.gateway.url, "--cancel-on-interrupt"], {}, (text, child) => {
      if (!sent && /Import \d+ started/.test(text)) {
        sent = true;
        child.kill("SIGINT");
      }
    });
    expect(run.stderr).toMatch(/Cancelling import \d+: it stops after its current chunk/);
    expect(run.stdout).toMatch(/^Import \d+: CANCELLED\n/);
    expect(run.code).toBe(1);
  }, 60_000);

  it("signs in with OPS_USER and OPS_PASSWORD too (same sign-in as seed:demo)", async () => {
    await writeTestUsers(stack.authTarget);
    const { username, password } = TEST_USERS.operator;
    const run = await importCli([EXAMPLE, "--gateway", stack.gateway.url, "--dry-run"], { OPS_API_KEY: undefined, OPS_USER: username, OPS_PASSWORD: password });
    expect(run.stdout).toMatch(/^Import \d+: COMPLETED \(dry run: nothing was written\)\n/);
    expect(run.code).toBe(0);
    const wrong = await importCli([EXAMPLE, "--gateway", stack.gateway.url], { OPS_API_KEY: undefined, OPS_USER: username, OPS_PASSWORD: "not the password" });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toBe(`Sign-in as ${username} failed (HTTP 401): The user name or password is wrong.\n`);
    const none = await importCli([EXAMPLE, "--gateway", stack.gateway.url], { OPS_API_KEY: undefined });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("npm run apikey:add -- csv-import --role operator");
  });

  it("says clearly what is wrong: a missing file, an unreachable gateway, bad options", async () => {
    const missing = await importCli([path.join(dir, "nope.csv"), "--gateway", stack.gateway.url]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`File not found: ${path.join(dir, "nope.csv")}\n`);
    const closed = await closedPort();
    const down = await importCli([EXAMPLE, "--gateway", `http://127.0.0.1:${closed}`]);
    expect(down.code).toBe(1);
    expect(down.stderr).toBe(`Cannot reach the gateway at http://127.0.0.1:${closed} (ECONNREFUSED). Is the shop running (npm start)? Point elsewhere with --gateway or GATEWAY_URL.\n`);
    const bad = await importCli([EXAMPLE, "--send-confirmations", "some"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--send-confirmations must be each or none, not "some".');
    const viewerKey = generateApiKey();
    writeApiKeyFile(stack.security.apiKeysFile, [
      { name: "csv-import", role: "operator", keyHash: hashApiKey(key), createdAt: new Date().toISOString() },
      { name: "csv-viewer", role: "viewer", keyHash: hashApiKey(viewerKey), createdAt: new Date().toISOString() },
    ]);
    // The key files are re-read within seconds.
    await new Promise((r) => setTimeout(r, 3100));
    const viewer = await importCli([EXAMPLE, "--gateway", stack.gateway.url], { OPS_API_KEY: viewerKey });
    expect(viewer.code).toBe(1);
    expect(viewer.stderr).toMatch(/^Asking for an upload target was refused: .*Importing needs an operator or admin\./);
  });
});

describe("the progress line", () => {
  it("redraws one line in place on a TTY, and prints a line per stage elsewhere", () => {
    const written: string[] = [];
    const stream = { write: (t: string) => written.push(t), columns: 60 } as unknown as NodeJS.WriteStream;
    vi.useFakeTimers();
    try {
      const tty = new ProgressLine(stream, true);
      tty.update("parsing", "parsing 10%");
      vi.advanceTimersByTime(150);
      tty.update("parsing", "parsing 20%");
      tty.update("parsing", "parsing 21%"); // within 100 ms: not drawn yet
      tty.update("writing", `writing ${"x".repeat(100)}`);
      tty.update("writing", "writing 99%");
      tty.finish(); // draws the latest state before ending the line
      expect(written).toEqual(["\r\x1b[2Kparsing 10%", "\r\x1b[2Kparsing 20%", `\r\x1b[2Kwriting ${"x".repeat(51)}`, "\r\x1b[2Kwriting 99%", "\n"]);
    } finally {
      vi.useRealTimers();
    }
    written.length = 0;
    const plain = new ProgressLine(stream, false);
    plain.update("parsing", "bar 10%", "import 1: parsing");
    plain.update("parsing", "bar 20%", "import 1: parsing");
    plain.update("writing", "bar 60%", "import 1: writing");
    plain.finish();
    expect(written).toEqual(["import 1: parsing\n", "import 1: writing\n"]);
  });

  it("draws the bar, the remaining time and durations", () => {
    expect(bar(0.5, 10)).toBe("▕█████░░░░░▏");
    expect(bar(1.7, 4)).toBe("▕████▏");
    expect(eta(0.25, 3)).toBe("9.0 s");
    expect(eta(0, 3)).toBe("?");
    expect(duration(75)).toBe("1 min 15 s");
  });
});
