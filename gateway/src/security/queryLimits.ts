/**
 * Query depth, cost, alias and directive limits (graphql-armor) and a token limit. Armor's rules
 * run in Apollo Server's validation step, which the gateway runs on the supergraph's API schema
 * before planning, so a hostile operation is refused (400 GRAPHQL_VALIDATION_FAILED) before any
 * subgraph is called; Apollo caches validated documents, so a repeated operation pays nothing.
 */
import { ApolloArmor } from "@escape.tech/graphql-armor";
import type { GraphQLFormattedError } from "graphql";
import type { QueryLimits } from "../config.js";

export function queryLimits(limits: QueryLimits) {
  const { plugins, validationRules } = new ApolloArmor({
    maxDepth: { n: limits.maxDepth },
    costLimit: { maxCost: limits.maxCost },
    maxAliases: { n: limits.maxAliases },
    maxDirectives: { n: limits.maxDirectives },
    // Armor's token plugin re-parses every new document and answers 500 when over the limit;
    // graphql-js counts tokens while it parses (below) and answers 400 GRAPHQL_PARSE_FAILED.
    maxTokens: { enabled: false },
    // "Did you mean …" suggestions would reveal the schema when introspection is off. Armor's mask
    // misses enum values and variables and leaves "[Suggestion hidden]?"; service-kit's
    // formatRequestError removes every suggestion from every message instead.
    blockFieldSuggestion: { enabled: false },
  }).protect();
  return { plugins, validationRules, parseOptions: { maxTokens: limits.maxTokens } };
}

const ARMOR_MESSAGE = /^Syntax Error: (.* limit of \d+ exceeded)(?:, found (\d+)(?:\.\d+)?)?\.$/;

/**
 * Armor's messages read "Syntax Error: Query Cost limit of 5000 exceeded, found 11080.18…";
 * the operation is well-formed, so this says what was refused and rounds the number.
 */
export function formatLimitError(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const match = ARMOR_MESSAGE.exec(formatted.message);
  if (!match) return formatted;
  const found = match[2] ? `, found ${match[2]}` : "";
  return { ...formatted, message: `Operation refused: ${match[1]}${found}. Split it into smaller operations.` };
}
