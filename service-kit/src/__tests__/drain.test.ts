/** The drain's small parts: a readiness check that answers in time whatever the database does, and the deadline race. */
import { describe, expect, it } from "vitest";
import { boundedCheck, drainDeadline, settledBefore } from "../drain.js";

describe("boundedCheck", () => {
  it("answers within its timeout when the check hangs, naming what did not answer, and never runs two checks at once", async () => {
    let runs = 0;
    let hang = true;
    let release = () => {};
    const check = boundedCheck(() => {
      runs += 1;
      return hang ? new Promise<void>((resolve) => (release = resolve)) : Promise.resolve();
    }, 100);
    const started = Date.now();
    const probes = await Promise.allSettled([check(), check(), check()]);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(probes.map((p) => (p.status === "rejected" ? (p.reason as Error).message : "ok"))).toEqual(Array(3).fill("the database did not answer within 100 ms"));
    // A probe while the hung check still runs shares it instead of opening another connection.
    await expect(check()).rejects.toThrow("did not answer");
    expect(runs).toBe(1);
    // The database is back: the next probe runs a fresh check.
    hang = false;
    release();
    await new Promise((r) => setTimeout(r, 0));
    await expect(check()).resolves.toBeUndefined();
    expect(runs).toBe(2);
  });

  it("passes the check's own failure on", async () => {
    const check = boundedCheck(() => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:5432")), 1_000);
    await expect(check()).rejects.toThrow("ECONNREFUSED");
  });
});

describe("settledBefore", () => {
  it("is true when the work ends in time, false once the deadline passes first", async () => {
    expect(await settledBefore(new Promise((r) => setTimeout(r, 10)), drainDeadline(1_000))).toBe(true);
    const deadline = drainDeadline(50);
    expect(await settledBefore(new Promise(() => {}), deadline)).toBe(false);
    expect(deadline.signal.aborted).toBe(true);
  });
});
