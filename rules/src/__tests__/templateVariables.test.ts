import { describe, expect, it } from "vitest";
import { BLOCK_HELPERS, documentedVariables, HELPER_NAMES, ITEM_VARIABLES, MAX_BLOCK_DEPTH, ROOT_VARIABLES } from "../index.js";

describe("template variables", () => {
  it("documents each root variable and each item field once, item fields as items.x", () => {
    const names = documentedVariables().map((v) => v.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toHaveLength(ROOT_VARIABLES.length + ITEM_VARIABLES.length);
    expect(names).toContain("order_id");
    expect(names).toContain("items.product_name");
    expect(names).not.toContain("product_name");
  });

  it("names the helpers, the block helpers and the nesting depth the renderer allows", () => {
    expect(HELPER_NAMES).toEqual(["yen", "date", "datetime"]);
    expect(BLOCK_HELPERS).toEqual(["if", "unless", "each", "with"]);
    expect(MAX_BLOCK_DEPTH).toBe(4);
  });
});
