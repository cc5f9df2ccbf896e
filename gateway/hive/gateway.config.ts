/**
 * Hive Gateway's configuration (`hive-gateway supergraph -c gateway/hive/gateway.config.ts`, see
 * `npm run start:hive`): the committed supergraph routed to the subgraphs of the stack's
 * configuration, planned and executed by Hive Router's Rust query planner, with the caller's
 * `Authorization` and the router secret on every subgraph call, and the query limits of our
 * gateway (same variables, same defaults). Read once, when the gateway starts.
 */
import { defineConfig } from "@graphql-hive/gateway";
import { unifiedGraphHandler } from "@graphql-hive/router-runtime";
import { EnvelopArmorPlugin } from "@escape.tech/graphql-armor";
import { loadSecrets, ROUTER_SECRET_HEADER, SERVICE_NAMES } from "@ops/service-kit";
import { readGatewayConfig } from "../src/config.js";
import { maskError } from "./maskErrors.js";
import { requestLimits } from "./requestLimits.js";
import { readSupergraph } from "./subgraphUrls.js";

const config = readGatewayConfig();
const { routerSecret } = loadSecrets(config.dataDir);
const { limits, production } = config.security;
const subgraphUrls = Object.fromEntries(SERVICE_NAMES.map((name) => [name, config.services[name].url]));

export const gatewayConfig = defineConfig({
  // A function, so the file is read (and routed) when the gateway loads it; no polling of a file
  // that only changes with a deploy.
  supergraph: () => readSupergraph(subgraphUrls),
  unifiedGraphHandler,
  propagateHeaders: {
    // The subgraphs verify the caller themselves (token or API key) and refuse any call without
    // the router secret, so this is all a router needs to pass on. A client's own
    // x-router-secret is never forwarded: the returned value replaces it.
    fromClientToSubgraphs: ({ request }) => ({
      authorization: request.headers.get("authorization"),
      [ROUTER_SECRET_HEADER]: routerSecret,
    }),
  },
  upstreamTimeout: config.subgraphTimeoutMs,
  plugins: () => [
    requestLimits({ maxBodyBytes: limits.maxBodyBytes, requireCredentials: production }),
    EnvelopArmorPlugin({
      maxDepth: { n: limits.maxDepth },
      maxTokens: { n: limits.maxTokens },
      costLimit: { maxCost: limits.maxCost },
      maxAliases: { n: limits.maxAliases },
      maxDirectives: { n: limits.maxDirectives },
      // "Did you mean …" would reveal the schema; our gateway removes every suggestion too.
      blockFieldSuggestion: { enabled: true },
    }),
  ],
  batching: false,
  // Off in production unless GRAPHQL_INTROSPECTION says otherwise, as in our gateway.
  ...(config.security.introspection ? {} : { disableIntrospection: {} }),
  graphiql: config.security.sandbox,
  landingPage: !production,
  maskedErrors: { maskError },
  // A subgraph's own errors name it as ours do (`extensions.service`) and keep their code.
  subgraphErrors: { subgraphNameProp: "service", errorCode: false },
  healthCheckEndpoint: "/health",
  logging: config.logLevel === "silent" ? false : config.logLevel,
});
