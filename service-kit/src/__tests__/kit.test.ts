import { describe, expect, it } from "vitest";
import { GraphQLError } from "graphql";
import { ConfigError, readStackConfig } from "../config.js";
import { createFormatError } from "../errors.js";
import { createLogger } from "../logger.js";
import { decodeCursor, encodeCursor, pageSize, parseId } from "../pagination.js";
import { DateScalar, endOfJapanDay, japanDay, startOfJapanDay } from "../scalars.js";

describe("configuration", () => {
  it("defaults every value and derives URLs and paths", () => {
    const c = readStackConfig({ DATA_DIR: "/srv/shop" });
    expect(c.gatewayPort).toBe(4000);
    expect(c.services.payment).toMatchObject({ port: 4002, url: "http://127.0.0.1:4002/graphql", dbPath: "/srv/shop/payment_service.db" });
    expect(c.outboxDir).toBe("/srv/shop/outbox");
  });

  it("reads the per-identity upload and download limits, 20 targets, 1 GB and 2 downloads by default", () => {
    expect(readStackConfig({})).toMatchObject({ importMaxOpenUploads: 20, importMaxPendingBytes: 1024 ** 3, importMaxDownloads: 2 });
    const c = readStackConfig({ IMPORT_MAX_OPEN_UPLOADS: "5", IMPORT_MAX_PENDING_BYTES: "1048576", IMPORT_MAX_DOWNLOADS: "4" });
    expect(c).toMatchObject({ importMaxOpenUploads: 5, importMaxPendingBytes: 1048576, importMaxDownloads: 4 });
    expect(() => readStackConfig({ IMPORT_MAX_DOWNLOADS: "0" })).toThrow(/IMPORT_MAX_DOWNLOADS=0 must be a positive whole number/);
  });

  it("fails with a message that says how to fix a bad value", () => {
    expect(() => readStackConfig({ ORDER_PORT: "http" })).toThrow(ConfigError);
    expect(() => readStackConfig({ ORDER_PORT: "http" })).toThrow(/ORDER_PORT=http .*integer between 0 and 65535/);
    expect(() => readStackConfig({ LOG_LEVEL: "loud" })).toThrow(/LOG_LEVEL/);
  });
});

describe("cursors and ids", () => {
  it("round-trips a cursor and refuses forged ones", () => {
    expect(decodeCursor(encodeCursor("2026-01-01T00:00:00.000Z", 42))).toEqual({ sortValue: "2026-01-01T00:00:00.000Z", id: 42 });
    expect(() => decodeCursor("garbage")).toThrow(GraphQLError);
  });

  it("checks page sizes and ids", () => {
    expect(pageSize(undefined)).toBe(20);
    expect(() => pageSize(0)).toThrow(/between 1 and 200/);
    expect(() => pageSize(201)).toThrow(GraphQLError);
    expect(parseId("17")).toBe(17);
    expect(() => parseId("1e3")).toThrow(/not a valid id/);
    expect(() => parseId("-1")).toThrow(GraphQLError);
  });
});

describe("Japan time", () => {
  it("maps calendar days to UTC instants", () => {
    expect(startOfJapanDay("2026-11-25").toISOString()).toBe("2026-11-24T15:00:00.000Z");
    expect(endOfJapanDay("2026-11-25").toISOString()).toBe("2026-11-25T15:00:00.000Z");
    expect(japanDay(new Date("2026-11-24T15:00:00.000Z"))).toBe("2026-11-25");
    expect(japanDay(new Date("2026-11-24T14:59:59.999Z"))).toBe("2026-11-24");
  });

  it("refuses impossible dates", () => {
    expect(DateScalar.parseValue("2026-02-28")).toBe("2026-02-28");
    expect(() => DateScalar.parseValue("2026-02-30")).toThrow(/not a calendar date/);
    expect(() => DateScalar.parseValue("26-1-1")).toThrow(GraphQLError);
  });
});

describe("error masking", () => {
  const format = createFormatError(createLogger("test", "silent"));

  it("passes known errors with their extensions and no stack trace", () => {
    const out = format({ message: "bad", extensions: { code: "BAD_USER_INPUT", field: "input.x", stacktrace: ["at x"] } }, new Error("bad"));
    expect(out).toEqual({ message: "bad", extensions: { code: "BAD_USER_INPUT", field: "input.x" } });
  });

  it("masks anything else", () => {
    const out = format({ message: "SQLITE_ERROR: no such table orders", extensions: { code: "INTERNAL_SERVER_ERROR" } }, new Error("SQLITE_ERROR"));
    expect(out.message).not.toMatch(/SQLITE/);
    expect(out.extensions).toEqual({ code: "INTERNAL_SERVER_ERROR" });
  });
});
