import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningGateway } from "../gatewayServer.js";
import { postGraphQL, send, testGateways } from "./testGateway.js";

// A production gateway tells nothing about its schema to a caller without credentials (401 before
// the document is parsed) and suggests nothing to anyone. No subgraph runs: the gateway decides
// all of this itself.
const world = testGateways();
let production: RunningGateway;
let development: RunningGateway;
let admin: Record<string, string>;

beforeAll(async () => {
  production = await world.start({ NODE_ENV: "production" });
  development = await world.start({ NODE_ENV: "development" });
  admin = { authorization: (await world.security.headersFor("admin")).authorization! };
});
afterAll(() => world.stopAll());

const SIGN_IN_FIRST = {
  errors: [{ message: "Sign in first: send `Authorization: Bearer <token>` (from POST /auth/login) or `Authorization: ApiKey <key>`.", extensions: { code: "UNAUTHENTICATED" } }],
};

describe("anonymous requests in production", () => {
  it.each([
    ["an unknown field", "{ ordrs { totalCount } }"],
    ["an unknown enum value", "{ orders(sort: { field: TOTAL_AMOUN }) { totalCount } }"],
    ["a syntax error", "{ orders(first: "],
    ["a lone surrogate escape", String.raw`{ orders(filter: { customerName: "\ud800" }) { totalCount } }`],
    ["two operations without operationName", "query A { __typename } query B { __typename }"],
    ["introspection", "{ __schema { queryType { name } } }"],
  ])("get 401 for %s, with no parse or validation detail", async (_label, query) => {
    const res = await postGraphQL(production.url, query);
    expect(res.status).toBe(401);
    expect(res.body).toEqual(SIGN_IN_FIRST);
  });

  it("get 401 on GET too, before the CSRF check and the parser", async () => {
    const res = await send(`${production.url}?query=${encodeURIComponent("{ ordrs { id } }")}`);
    expect(res.status).toBe(401);
    expect(res.body).toEqual(SIGN_IN_FIRST);
  });

  it("outside production still reach introspection (the Sandbox needs it) but no other operation", async () => {
    expect((await postGraphQL(development.url, "{ __schema { queryType { name } } }")).body).toEqual({ data: { __schema: { queryType: { name: "Query" } } } });
    const res = await postGraphQL(development.url, "{ orders { totalCount } }");
    expect(res.status).toBe(401);
    expect(res.body.errors[0].extensions.code).toBe("UNAUTHENTICATED");
  });
});

describe("suggestions", () => {
  it.each([
    ["an unknown field", "{ ordrs { totalCount } }", 'Cannot query field "ordrs" on type "Query".'],
    ["an unknown enum value", "{ orders(sort: { field: TOTAL_AMOUN }) { totalCount } }", 'Value "TOTAL_AMOUN" does not exist in "OrderSortField" enum.'],
    ["an unknown argument", "{ orders(frist: 1) { totalCount } }", 'Unknown argument "frist" on field "Query.orders".'],
    ["an unknown type", "query($s: OrderSrot) { orders(sort: $s) { totalCount } }", 'Unknown type "OrderSrot".'],
  ])("are not given to a signed-in caller for %s", async (_label, query, message) => {
    for (const gateway of [production, development]) {
      const res = await postGraphQL(gateway.url, query, admin);
      expect(res.status).toBe(400);
      expect(res.body.errors[0]).toMatchObject({ message, extensions: { code: "GRAPHQL_VALIDATION_FAILED" } });
      expect(JSON.stringify(res.body)).not.toMatch(/Did you mean|Suggestion/);
    }
  });

  it("are not given for an enum value in the variables", async () => {
    const res = await postGraphQL(production.url, "query($s: OrderSort) { orders(sort: $s) { totalCount } }", admin, { s: { field: "TOTAL_AMOUN" } });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      {
        message: 'Variable "$s" got invalid value "TOTAL_AMOUN" at "s.field"; Value "TOTAL_AMOUN" does not exist in "OrderSortField" enum.',
        locations: [{ line: 1, column: 7 }],
        extensions: { code: "BAD_USER_INPUT" },
      },
    ]);
  });
});
