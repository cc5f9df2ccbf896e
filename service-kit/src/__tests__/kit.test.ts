import { describe, expect, it } from "vitest";
import { GraphQLError, parseValue as parseLiteralText } from "graphql";
import { ConfigError, readStackConfig } from "../config.js";
import { createFormatError } from "../errors.js";
import { createLogger } from "../logger.js";
import { decodeCursor, encodeCursor, pageSize, parseId } from "../pagination.js";
import { DateScalar, endOfJapanDay, japanDay, startOfJapanDay, YenScalar } from "../scalars.js";

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

describe("Yen", () => {
  const MAX = Number.MAX_SAFE_INTEGER;
  const literal = (text: string) => YenScalar.parseLiteral(parseLiteralText(text));
  const codeOf = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      return err instanceof GraphQLError ? err.extensions : { thrown: String(err) };
    }
    return null;
  };

  it("serialises every safe integer as itself, past Int's 2^31", () => {
    for (const v of [0, 1, -1, 2_147_483_647, 2_147_483_648, 2_200_000_000, MAX, -MAX]) expect(YenScalar.serialize(v)).toBe(v);
    expect(YenScalar.serialize(BigInt(MAX))).toBe(MAX);
    expect(Object.is(YenScalar.serialize(-0), 0)).toBe(true);
  });

  it("refuses to serialise a fraction, an unsafe or non-numeric value (a bug: masked, not BAD_USER_INPUT)", () => {
    for (const v of [0.5, 1280.01, MAX + 1, 2 ** 60, Number.NaN, Infinity, "1200", null, BigInt(MAX) + 1n]) {
      expect(() => YenScalar.serialize(v), String(v)).toThrow(TypeError);
    }
  });

  it("parses variables that are safe integers and refuses the rest with BAD_USER_INPUT", () => {
    expect(YenScalar.parseValue(2_200_000_000)).toBe(2_200_000_000);
    expect(YenScalar.parseValue(-MAX)).toBe(-MAX);
    expect(codeOf(() => YenScalar.parseValue(12.5))).toEqual({ code: "BAD_USER_INPUT", params: { value: "12.5" } });
    expect(codeOf(() => YenScalar.parseValue("1200"))).toEqual({ code: "BAD_USER_INPUT", params: { value: '"1200"' } });
    expect(codeOf(() => YenScalar.parseValue(MAX + 1))).toEqual({ code: "BAD_USER_INPUT", params: { value: String(MAX + 1), max: MAX } });
    expect(codeOf(() => YenScalar.parseValue(null))).toMatchObject({ code: "BAD_USER_INPUT" });
  });

  it("parses literals that are safe integers, read exactly as written", () => {
    expect(literal("10000000000")).toBe(10_000_000_000);
    expect(literal("-5")).toBe(-5);
    expect(codeOf(() => literal("9007199254740993"))).toEqual({ code: "BAD_USER_INPUT", params: { value: "9007199254740993", max: MAX } });
    expect(codeOf(() => literal("1280.5"))).toEqual({ code: "BAD_USER_INPUT", params: { value: "1280.5" } });
    expect(codeOf(() => literal('"1280"'))).toEqual({ code: "BAD_USER_INPUT" });
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
