import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { composeSupergraph, readSubgraphs, SUPERGRAPH_FILE } from "../supergraph/composeSupergraph.js";

describe("supergraph", () => {
  it("the committed supergraph matches the subgraphs' schemas (run `npm run compose` after a schema change)", () => {
    expect(fs.readFileSync(SUPERGRAPH_FILE, "utf8")).toBe(composeSupergraph());
  });

  it("detects drift: a changed subgraph schema composes to a different supergraph", () => {
    const subgraphs = readSubgraphs().map((s) =>
      s.name === "order" ? { ...s, typeDefs: s.typeDefs.replace("cancelReason: String", "cancelReason: String\n  giftMessage: String") } : s,
    );
    const drifted = composeSupergraph(subgraphs);
    expect(drifted).not.toBe(fs.readFileSync(SUPERGRAPH_FILE, "utf8"));
    expect(drifted).toContain("giftMessage");
  });

  it("refuses subgraphs that do not compose, with the reason", () => {
    const broken = readSubgraphs().map((s) => (s.name === "payment" ? { ...s, typeDefs: s.typeDefs.replace(/type Order @key\(fields: "id"\)/, 'type Order @key(fields: "nope")') } : s));
    expect(() => composeSupergraph(broken)).toThrow(/composition failed/i);
  });
});
