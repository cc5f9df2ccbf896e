import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../config.js";
import { databaseTarget, describeTarget, redactUrl } from "../databaseTarget.js";

describe("databaseTarget", () => {
  it("is the service's SQLite file by default, by today's path rules", () => {
    expect(databaseTarget("order", { DATA_DIR: "/srv/data" })).toEqual({ kind: "sqlite", path: path.resolve("/srv/data/order_service.db") });
    expect(databaseTarget("payment", { PAYMENT_DB_PATH: "/x/p.db", PAYMENT_DATABASE_URL: " " })).toEqual({ kind: "sqlite", path: "/x/p.db" });
  });

  it("is PostgreSQL for a postgres:// or postgresql:// URL, with a pool size", () => {
    expect(databaseTarget("order", { ORDER_DATABASE_URL: "postgres://u:pw@db:5432/orders" })).toEqual({
      kind: "postgres",
      url: "postgres://u:pw@db:5432/orders",
      poolSize: 10,
    });
    const t = databaseTarget("notification", { NOTIFICATION_DATABASE_URL: "postgresql://db/n", NOTIFICATION_DATABASE_POOL_SIZE: "4" });
    expect(t).toMatchObject({ kind: "postgres", poolSize: 4 });
  });

  it("refuses other schemes at start, naming the variable and never the password", () => {
    const attempt = (url: string, extra: Record<string, string> = {}) => () => databaseTarget("payment", { PAYMENT_DATABASE_URL: url, ...extra });
    expect(attempt("mysql://root:s3cret@db/pay")).toThrow(ConfigError);
    expect(attempt("mysql://root:s3cret@db/pay")).toThrow(/PAYMENT_DATABASE_URL uses "mysql:".*postgres:\/\//);
    expect(attempt("file:./pay.db")).toThrow(/PAYMENT_DATABASE_URL/);
    expect(attempt("not a url s3cret")).toThrow(/PAYMENT_DATABASE_URL is not a URL/);
    expect(attempt("postgres://u:s3cret@db")).toThrow(/names no database/);
    expect(attempt("postgres://db/pay", { PAYMENT_DATABASE_POOL_SIZE: "0" })).toThrow(/PAYMENT_DATABASE_POOL_SIZE=0/);
    for (const url of ["mysql://root:s3cret@db/pay", "not a url s3cret", "postgres://u:s3cret@db"]) {
      try {
        attempt(url)();
      } catch (err) {
        expect((err as Error).message).not.toContain("s3cret");
      }
    }
  });

  it("describes a target for logs without its password", () => {
    expect(redactUrl("postgres://u:s3cret@db:5432/orders")).toBe("postgres://u:***@db:5432/orders");
    expect(describeTarget({ kind: "postgres", url: "postgres://u:s3cret@db/o", poolSize: 10 })).toBe("PostgreSQL postgres://u:***@db/o");
    expect(redactUrl("garbage:s3cret")).not.toContain("s3cret");
  });
});
