import { describe, expect, it } from "vitest";
import { GraphQLError } from "graphql";
import { requireCleanText } from "../textInput.js";

describe("requireCleanText", () => {
  it("returns the value to store", () => {
    expect(requireCleanText("山田 太郎", "input.customerName")).toBe("山田 太郎");
    expect(requireCleanText("a\r\nb", "input.reason", "text")).toBe("a\nb");
  });

  it("throws BAD_USER_INPUT with the field and the reason, position and character", () => {
    let error: unknown;
    try {
      requireCleanText("山田\u202E太郎", "input.customerName");
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(GraphQLError);
    expect((error as GraphQLError).message).toBe("input.customerName contains a bidirectional control character (U+202E) at position 2: remove it and try again");
    expect((error as GraphQLError).extensions).toEqual({
      code: "BAD_USER_INPUT",
      field: "input.customerName",
      params: { reason: "bidiControl", position: 2, character: "U+202E" },
    });
  });
});
