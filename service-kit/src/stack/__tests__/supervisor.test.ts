import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { startServiceProcess, type ProcessName, type ServiceProcess } from "../serviceProcess.js";
import { describeSupervisionEvent, restartDelay, Supervisor, type SupervisionEvent, type SupervisionOptions } from "../supervisor.js";

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures", "flakyService.ts");

/** One supervised fixture process ("order"), pinned to the port it first took, with every event recorded. */
async function supervised(options: SupervisionOptions = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ops-supervisor-test-"));
  const failFile = path.join(dir, "fail-starts");
  const env: NodeJS.ProcessEnv = { ...process.env, FLAKY_FAIL_STARTS: failFile, FLAKY_PORT: "0" };
  let starts = 0;
  const start = (name: ProcessName) => {
    starts += 1;
    return startServiceProcess(name, env, { silent: true, entry: FIXTURE, timeoutMs: 15_000 });
  };
  const first = await start("order");
  env.FLAKY_PORT = new URL(first.url).port;
  const processes = { order: first } as Record<ProcessName, ServiceProcess>;
  const events: SupervisionEvent[] = [];
  const waiters: { match: (e: SupervisionEvent) => boolean; resolve: (e: SupervisionEvent) => void }[] = [];
  const supervisor = new Supervisor(processes, start, {
    ...options,
    onEvent: (e) => {
      events.push(e);
      for (const w of waiters.filter((w) => w.match(e))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(e);
      }
    },
  });
  const health = async () => (await (await fetch(`http://127.0.0.1:${env.FLAKY_PORT}/health`)).json()) as { pid: number };
  const world$ = {
    processes,
    events,
    supervisor,
    failFile,
    starts: () => starts,
    health,
    /** The next event of `type` (one already recorded after `since` counts). */
    next<T extends SupervisionEvent["type"]>(type: T, since = 0, timeoutMs = 15_000): Promise<Extract<SupervisionEvent, { type: T }>> {
      const seen = events.slice(since).find((e) => e.type === type);
      if (seen) return Promise.resolve(seen as Extract<SupervisionEvent, { type: T }>);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${type} event within ${timeoutMs} ms; saw ${JSON.stringify(events)}`)), timeoutMs);
        waiters.push({
          match: (e) => e.type === type,
          resolve: (e) => {
            clearTimeout(timer);
            resolve(e as Extract<SupervisionEvent, { type: T }>);
          },
        });
      });
    },
    async close() {
      await supervisor.close();
      await processes.order.kill();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  opened.push(world$);
  return world$;
}

const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((w) => w.close()));
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("restartDelay", () => {
  it("doubles from the base up to the cap", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 50].map((n) => restartDelay(n, 250, 10_000))).toEqual([250, 500, 1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]);
  });
});

describe("describeSupervisionEvent", () => {
  it("says how a process died and what it wrote last, and when it is back", () => {
    const died = describeSupervisionEvent({ type: "died", name: "payment", code: null, signal: "SIGKILL", uptimeMs: 12_345, stderr: ["Error: out of memory", "  at x"] });
    expect(died).toBe("payment died (killed by SIGKILL) after 12.3 s up; its last stderr lines:\n    | Error: out of memory\n    |   at x");
    expect(describeSupervisionEvent({ type: "died", name: "order", code: 1, signal: null, uptimeMs: 500, stderr: [] })).toBe("order died (exited with code 1) after 0.50 s up; it wrote nothing to stderr");
    expect(describeSupervisionEvent({ type: "restarting", name: "order", attempt: 2, delayMs: 500 })).toBe("restarting order in 0.50 s (restart 2)");
    expect(describeSupervisionEvent({ type: "back", name: "order", url: "http://127.0.0.1:4001/graphql", attempt: 1, downMs: 2100 })).toBe(
      "order is back at http://127.0.0.1:4001/graphql, 2.10 s after it died (restart 1)",
    );
  });
});

describe("Supervisor", () => {
  it("restarts a process killed with SIGKILL on the same port and says why it died", async () => {
    const w = await supervised({ baseDelayMs: 50 });
    const before = await w.health();
    process.kill(before.pid, "SIGKILL");
    const died = await w.next("died");
    expect(died).toMatchObject({ name: "order", code: null, signal: "SIGKILL" });
    expect(died.stderr.join("\n")).toMatch(/flaky: listening on \d+/);
    const back = await w.next("back");
    expect(back).toMatchObject({ name: "order", attempt: 1 });
    expect(back.url).toBe(w.processes.order.url);
    const after = await w.health();
    expect(after.pid).not.toBe(before.pid);
    expect(w.processes.order.child.pid).toBe(after.pid);
    expect(w.events.map((e) => e.type)).toEqual(["died", "restarting", "back"]);
  });

  it("reports the exit code and the last stderr lines of a process that exits on its own", async () => {
    const w = await supervised({ baseDelayMs: 50 });
    await fetch(`${w.processes.order.url.replace("/graphql", "")}/crash?code=7`);
    const died = await w.next("died");
    expect(died).toMatchObject({ code: 7, signal: null });
    expect(died.stderr.slice(-3)).toEqual(["flaky: about to fail", "Error: the disk is on fire", "    at crash (flakyService.ts:1:1)"]);
    await w.next("back");
    expect((await w.health()).pid).toBe(w.processes.order.child.pid);
  });

  it("waits longer after each failed restart, and starts from the base again once the process stayed up", async () => {
    const w = await supervised({ baseDelayMs: 40, maxDelayMs: 200, stableAfterMs: 1500 });
    fs.writeFileSync(w.failFile, "3");
    process.kill((await w.health()).pid, "SIGKILL");
    const back = await w.next("back");
    expect(back.attempt).toBe(4);
    const delays = w.events.filter((e) => e.type === "restarting").map((e) => (e as { delayMs: number }).delayMs);
    expect(delays).toEqual([40, 80, 160, 200]);
    const failures = w.events.filter((e) => e.type === "restartFailed");
    expect(failures).toHaveLength(3);
    expect((failures[0] as { error: string }).error).toMatch(/exited with code 3 before listening[\s\S]*refusing to start/);

    // Crashing again soon: still counting up.
    let since = w.events.length;
    process.kill((await w.health()).pid, "SIGKILL");
    expect(await w.next("restarting", since)).toMatchObject({ attempt: 5, delayMs: 200 });
    await w.next("back", since);
    // Up longer than stableAfterMs: the next crash is a first one again.
    await sleep(1600);
    since = w.events.length;
    process.kill((await w.health()).pid, "SIGKILL");
    expect(await w.next("restarting", since)).toMatchObject({ attempt: 1, delayMs: 40 });
    await w.next("back", since);
  });

  it("leaves a deliberately stopped process stopped, and restart() brings it back", async () => {
    const w = await supervised({ baseDelayMs: 20 });
    const stopped = w.processes.order;
    await stopped.stop();
    await sleep(400);
    expect(w.events).toEqual([]);
    expect(w.processes.order).toBe(stopped);
    await expect(w.health()).rejects.toThrow();
    const again = await w.supervisor.restart("order");
    expect(w.processes.order).toBe(again);
    expect((await w.health()).pid).toBe(again.child.pid);
    // And the new one is supervised.
    process.kill(again.child.pid!, "SIGKILL");
    await w.next("back");
  });

  it("restarts nothing once closed, not even a restart already scheduled", async () => {
    const w = await supervised({ baseDelayMs: 300 });
    process.kill((await w.health()).pid, "SIGKILL");
    await w.next("restarting");
    const starts = w.starts();
    await w.supervisor.close();
    await sleep(600);
    expect(w.starts()).toBe(starts);
    await expect(w.health()).rejects.toThrow();
  });
});
