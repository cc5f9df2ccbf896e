import { describe, expect, it } from "vitest";
import { createLoginThrottle } from "../auth/loginThrottle.js";

/** One sign-in attempt that fails: 0 when it was let through, else the seconds to wait. */
async function failOnce(throttle: ReturnType<typeof createLoginThrottle>, user: string, ip: string): Promise<number> {
  const wait = await throttle.attempt(user, ip);
  if (wait === 0) await throttle.failed(ip);
  return wait;
}

describe("the sign-in throttle", () => {
  it("locks a user name from one address for 15 minutes after 5 failures in a row", async () => {
    const throttle = createLoginThrottle();
    for (let i = 0; i < 5; i++) expect(await failOnce(throttle, "ops", "10.0.0.1")).toBe(0);
    const wait = await throttle.attempt("ops", "10.0.0.1");
    expect(wait).toBeGreaterThan(14 * 60);
    expect(wait).toBeLessThanOrEqual(15 * 60);
    // The same user from another address, and another user from this one, are not locked.
    expect(await throttle.attempt("ops", "10.0.0.2")).toBe(0);
    expect(await throttle.attempt("someone-else", "10.0.0.1")).toBe(0);
  });

  it("forgets the failures after a success", async () => {
    const throttle = createLoginThrottle();
    for (let i = 0; i < 4; i++) await failOnce(throttle, "ops", "10.0.0.1");
    expect(await throttle.attempt("ops", "10.0.0.1")).toBe(0);
    await throttle.succeeded("ops", "10.0.0.1");
    for (let i = 0; i < 5; i++) expect(await failOnce(throttle, "ops", "10.0.0.1")).toBe(0);
    expect(await throttle.attempt("ops", "10.0.0.1")).toBeGreaterThan(0);
  });

  it("locks an address that fails too often, whatever user names it tries", async () => {
    const throttle = createLoginThrottle({ maxFailuresPerIpPerHour: 6 });
    for (let i = 0; i < 6; i++) expect(await failOnce(throttle, `user${i}`, "10.0.0.9")).toBe(0);
    const wait = await throttle.attempt("admin", "10.0.0.9");
    expect(wait).toBeGreaterThan(59 * 60);
    expect(await throttle.attempt("admin", "10.0.0.10")).toBe(0);
  });

  it("lets at most 5 guesses through when they arrive all at once", async () => {
    const throttle = createLoginThrottle();
    const waits = await Promise.all(Array.from({ length: 20 }, () => throttle.attempt("ops", "10.0.0.1")));
    expect(waits.filter((w) => w === 0)).toHaveLength(5);
  });
});
