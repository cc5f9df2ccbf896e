import { describe, expect, it } from "vitest";
import { GraphQLError, parse, type GraphQLFormattedError } from "graphql";
import { createFormatError } from "../errors.js";
import { createLogger } from "../logger.js";
import { findLoneSurrogateIn, formatRequestError } from "../requestHygiene.js";

describe("findLoneSurrogateIn", () => {
  it("finds nothing in well-formed values, emoji and rare kanji included", () => {
    expect(findLoneSurrogateIn({ input: { customerName: "𠮷野 家😀", items: [{ productName: "茶", quantity: 1 }], note: null, ok: true } }, "variables")).toBeNull();
  });

  it("names the path of the first string holding one, through objects and lists", () => {
    expect(findLoneSurrogateIn({ input: { items: [{ productName: "茶" }, { productName: "茶\udc00" }] } }, "variables")).toEqual({
      field: "variables.input.items.1.productName",
      problem: { reason: "loneSurrogate", position: 1, character: "U+DC00" },
    });
    expect(findLoneSurrogateIn({ n: "ab\ud800cd" }, "variables")).toEqual({ field: "variables.n", problem: { reason: "loneSurrogate", position: 2, character: "U+D800" } });
  });

  it("checks object keys too", () => {
    expect(findLoneSurrogateIn({ input: { "\ud83d": 1 } }, "variables")?.field).toBe("variables.input.\ud83d");
  });

  it("walks a hostile, deeply nested value without overflowing the stack", () => {
    let deep: unknown = "\ud800";
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(findLoneSurrogateIn(deep, "variables")?.problem.reason).toBe("loneSurrogate");
  });
});

/** What Apollo hands formatError for a document graphql-js cannot parse. */
function parseFailure(query: string): [GraphQLFormattedError, GraphQLError] {
  try {
    parse(query);
  } catch (err) {
    const error = err as GraphQLError;
    return [{ message: error.message, locations: error.locations, extensions: { code: "GRAPHQL_PARSE_FAILED" } }, error];
  }
  throw new Error(`parsed: ${query}`);
}

describe("formatRequestError", () => {
  it.each([
    ["escaped in a string", String.raw`{ orders(filter: { customerName: "ab\ud800" }) { totalCount } }`, 36],
    ["escaped with braces", String.raw`{ orders(filter: { customerName: "\u{DC00}" }) { totalCount } }`, 34],
    ["written as such in a string", `{ orders(filter: { customerName: "ab\ud800" }) { totalCount } }`, 36],
    ["written as such outside a string", `{ orders \udfff { totalCount } }`, 9],
  ])("says a lone surrogate in the query (%s) as BAD_USER_INPUT on `query`, with its position", (_label, query, position) => {
    const [formatted, error] = parseFailure(query);
    const said = formatRequestError(formatted, error);
    expect(said.extensions).toEqual({ code: "BAD_USER_INPUT", field: "query", params: { reason: "loneSurrogate", position, character: expect.stringMatching(/^U\+D[89A-F][0-9A-F]{2}$/) } });
    expect(said.message).toMatch(/^query contains a lone surrogate \(not valid Unicode\) \(U\+D[89A-F][0-9A-F]{2}\) at position \d+: send well-formed text$/);
    expect(said.locations).toEqual(formatted.locations);
  });

  it("leaves other parse errors, and a well-formed surrogate pair escape, alone", () => {
    const [bad] = parseFailure(String.raw`{ orders(filter: { customerName: "\uZZZZ" }) { totalCount } }`);
    expect(formatRequestError(bad, undefined)).toBe(bad);
    const [syntax] = parseFailure("{ orders(");
    expect(formatRequestError(syntax, undefined)).toBe(syntax);
    expect(() => parse(String.raw`{ a(b: "\uD83D\uDE00") }`)).not.toThrow();
  });

  it.each([
    ['Cannot query field "ordrs" on type "Query". Did you mean "orders" or "order"?', 'Cannot query field "ordrs" on type "Query".'],
    ['Value "TOTAL_AMOUN" does not exist in "OrderSortField" enum. Did you mean the enum value "TOTAL_AMOUNT"?', 'Value "TOTAL_AMOUN" does not exist in "OrderSortField" enum.'],
    [
      'Variable "$s" got invalid value "TOTAL_AMOUN" at "s.field"; Value "TOTAL_AMOUN" does not exist in "OrderSortField" enum. Did you mean the enum value "TOTAL_AMOUNT"?',
      'Variable "$s" got invalid value "TOTAL_AMOUN" at "s.field"; Value "TOTAL_AMOUN" does not exist in "OrderSortField" enum.',
    ],
    ['Unknown argument "frist" on field "Query.orders". Did you mean "first", "after", or "filter"?', 'Unknown argument "frist" on field "Query.orders".'],
    ['Unknown type "Ordr". Did you mean "Order"?', 'Unknown type "Ordr".'],
  ])("removes the suggestion from %j", (message, expected) => {
    expect(formatRequestError({ message, extensions: { code: "GRAPHQL_VALIDATION_FAILED" } }, undefined).message).toBe(expected);
  });

  it("is applied by every subgraph's formatError (what another router would relay)", () => {
    const format = createFormatError(createLogger("test", "silent"));
    const message = 'Value "SHIPED" does not exist in "OrderStatus" enum. Did you mean the enum value "SHIPPED"?';
    expect(format({ message, extensions: { code: "GRAPHQL_VALIDATION_FAILED" } }, new GraphQLError(message))).toEqual({
      message: 'Value "SHIPED" does not exist in "OrderStatus" enum.',
      extensions: { code: "GRAPHQL_VALIDATION_FAILED" },
    });
  });
});
