/**
 * The session revocations each process keeps: read from the auth database past the last id seen,
 * one session or every token below a generation, expired rows ignored, and fail closed once the
 * database has not answered for `staleAfterMs`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openAuthDatabase, type AuthDb } from "../auth/authDatabase.js";
import { startRevocationList, type RevocationList } from "../auth/revocationList.js";
import { pruneRevocations, revokeSession, writeRevocation } from "../auth/revokeSessions.js";
import type { DatabaseTarget } from "../data/databaseTarget.js";
import { freshTarget, tempDir } from "../testing/freshDatabase.js";

const world = tempDir("ops-revocations-");
let target: DatabaseTarget;
let writer: AuthDb;
let list: RevocationList;
const later = () => new Date(Date.now() + 600_000);
const codeOf = (fn: () => void): string | null => {
  try {
    fn();
    return null;
  } catch (err) {
    return String((err as { extensions?: { code?: string } }).extensions?.code);
  }
};

beforeAll(async () => {
  target = await freshTarget("auth", world.dir);
  writer = await openAuthDatabase(target, { poolSize: 2 });
  list = startRevocationList(openAuthDatabase(target, { poolSize: 1 }), { pollMs: 50, staleAfterMs: 500, ownsDatabase: true });
  await list.loaded;
});
afterAll(async () => {
  await list?.close();
  await writer?.close();
  world.cleanup();
});

describe("the revocation list", () => {
  it("refuses a signed-out session only", async () => {
    expect(list.problem()).toBeNull();
    expect(codeOf(() => list.check({ name: "hanako", jti: "s1", generation: 0 }))).toBeNull();
    await revokeSession(writer, "hanako", "s1", later());
    await list.refresh();
    expect(codeOf(() => list.check({ name: "hanako", jti: "s1", generation: 0 }))).toBe("UNAUTHENTICATED");
    expect(codeOf(() => list.check({ name: "hanako", jti: "s2", generation: 0 }))).toBeNull();
  });

  it("refuses every token below a generation, not the ones at or above it", async () => {
    await writer.transaction((trx) => writeRevocation(trx, { username: "taro", belowGeneration: 3, reason: "password_changed", expiresAt: later() }));
    await list.refresh();
    expect(codeOf(() => list.check({ name: "taro", jti: "t1", generation: 2 }))).toBe("UNAUTHENTICATED");
    expect(codeOf(() => list.check({ name: "taro", jti: "t2", generation: 3 }))).toBeNull();
    expect(codeOf(() => list.check({ name: "jiro", jti: "j1", generation: 0 }))).toBeNull();
  });

  it("ignores and prunes rows whose tokens have expired", async () => {
    await revokeSession(writer, "saburo", "old", new Date(Date.now() - 1000));
    await list.refresh();
    expect(list.isRevoked({ name: "saburo", jti: "old", generation: 0 })).toBe(false);
    expect(await pruneRevocations(writer.db)).toBe(1);
  });

  it("picks up a revocation by itself within a poll", async () => {
    await revokeSession(writer, "shiro", "p1", later());
    await expect.poll(() => list.isRevoked({ name: "shiro", jti: "p1", generation: 0 }), { timeout: 1000, interval: 20 }).toBe(true);
  });

  it("fails closed once the auth database has not answered for staleAfterMs, and says why", async () => {
    const cut = await openAuthDatabase(target, { poolSize: 1 });
    const blind = startRevocationList(cut, { pollMs: 50, staleAfterMs: 300 });
    await blind.loaded;
    expect(codeOf(() => blind.check({ name: "hanako", jti: "x", generation: 0 }))).toBeNull();
    await cut.close();
    await expect.poll(() => blind.problem(), { timeout: 2000, interval: 50 }).toMatch(/^session revocations not refreshed from the auth database for \d+ s: /);
    expect(codeOf(() => blind.check({ name: "hanako", jti: "x", generation: 0 }))).toBe("SERVICE_UNAVAILABLE");
    await blind.close();
  });
});
