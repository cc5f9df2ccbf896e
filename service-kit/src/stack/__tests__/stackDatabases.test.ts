/**
 * A throwaway stack's databases: on SQLite under DATA_DIR, or — under test:pg — three fresh
 * PostgreSQL databases cloned from the migrated templates, whatever the developer's own
 * `<SERVICE>_DATABASE_URL` says.
 */
import { afterEach, describe, expect, it } from "vitest";
import { readStackConfig, SERVICE_NAMES } from "../../config.js";
import { migrate } from "../../data/migrate.js";
import { openDatabase } from "../../data/openDatabase.js";
import { DIALECTS, pgAdminUrl } from "../../data/__tests__/testDatabases.js";
import { databaseExists } from "../../testing/pgAdmin.js";
import { isolatedStackEnv } from "../launchStack.js";
import { FRESH_DATABASES_VARIABLE, prepareStackDatabases } from "../stackDatabases.js";

const saved = { ...process.env };
afterEach(() => {
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
});

describe("isolatedStackEnv", () => {
  it("keeps every service on SQLite under DATA_DIR without a test cluster, dropping inherited database URLs", () => {
    delete process.env.OPS_TEST_PG_ADMIN_URL;
    process.env.PAYMENT_DATABASE_URL = "postgres://someone:secret@db.example.jp/payment";
    process.env.ORDER_DATABASE_POOL_SIZE = "77";
    const env = isolatedStackEnv("/tmp/ops-stack-x");
    expect(env.PAYMENT_DATABASE_URL).toBeUndefined();
    expect(env.ORDER_DATABASE_POOL_SIZE).toBeUndefined();
    expect(env[FRESH_DATABASES_VARIABLE]).toBeUndefined();
    const config = readStackConfig(env);
    for (const name of SERVICE_NAMES) expect(config.services[name].database).toEqual({ kind: "sqlite", path: `/tmp/ops-stack-x/${name}_service.db` });
    expect(config.authDatabase).toEqual({ kind: "sqlite", path: "/tmp/ops-stack-x/auth.db" });
  });

  it.skipIf(!DIALECTS.includes("postgres"))("gives each service a fresh PostgreSQL database on the test cluster, migrated, created once", async () => {
    const adminUrl = await pgAdminUrl();
    const env = isolatedStackEnv("/tmp/ops-stack-y", { OPS_TEST_PG_ADMIN_URL: adminUrl });
    const other = isolatedStackEnv("/tmp/ops-stack-z", { OPS_TEST_PG_ADMIN_URL: adminUrl });
    const config = readStackConfig(env);
    // The auth database too: a stack's gateway and subgraphs share one, of their own.
    expect(config.authDatabase.kind).toBe("postgres");
    const urls = SERVICE_NAMES.map((name) => {
      const target = config.services[name].database;
      expect(target.kind).toBe("postgres");
      return target.kind === "postgres" ? target.url : "";
    });
    expect(new Set([...urls, ...SERVICE_NAMES.map((n) => other[`${n.toUpperCase()}_DATABASE_URL`])]).size).toBe(6);
    const names = urls.map((url) => new URL(url).pathname.slice(1));
    for (const name of names) expect(await databaseExists(adminUrl, name)).toBe(false);

    // The launcher and the service processes may all ask at once.
    await Promise.all([prepareStackDatabases(env), prepareStackDatabases(env), prepareStackDatabases(env)]);
    for (const name of names) expect(await databaseExists(adminUrl, name)).toBe(true);
    for (const name of SERVICE_NAMES) {
      const target = config.services[name].database;
      // Cloned from the migrated template: nothing left to apply, the outbox is there and empty.
      expect(await migrate(name, target)).toEqual([]);
      const db = await openDatabase<{ outbox: { id: number } }>(target);
      expect(await db.db.selectFrom("outbox").select("id").execute()).toEqual([]);
      await db.close();
    }
  });

  it.skipIf(!DIALECTS.includes("postgres"))("leaves a service on the database the caller names", async () => {
    const adminUrl = await pgAdminUrl();
    const env = isolatedStackEnv("/tmp/ops-stack-w", { OPS_TEST_PG_ADMIN_URL: adminUrl, ORDER_DB_PATH: "/tmp/ops-stack-w/prepared.db" });
    const config = readStackConfig(env);
    expect(config.services.order.database).toEqual({ kind: "sqlite", path: "/tmp/ops-stack-w/prepared.db" });
    expect(config.services.payment.database.kind).toBe("postgres");
    expect(env[FRESH_DATABASES_VARIABLE]).toBe("payment,notification,auth");
  });
});
