/**
 * How Hive Gateway says what went wrong, in our gateway's words. Left to itself it reports an
 * unreachable subgraph as SUBREQUEST_HTTP_ERROR (or a masked "Unexpected error.") with the
 * subgraph call attached — the generated `_entities` query, its variables, in development the
 * internal address. Here an unreachable subgraph is `SERVICE_UNAVAILABLE` naming the service, as
 * `gateway/src/subgraphDataSource.ts` says it; no error carries a subgraph request or response;
 * anything else unexpected is masked.
 */
import { GraphQLError } from "graphql";
import { serviceUnavailableError } from "../src/subgraphDataSource.js";

/** What Hive's HTTP transport puts on the error of a subgraph call that got no answer. */
const SUBREQUEST_FAILED = "SUBREQUEST_HTTP_ERROR";

function extensionsOf(error: unknown): Record<string, unknown> {
  const extensions = (error as { extensions?: unknown } | null)?.extensions;
  return typeof extensions === "object" && extensions !== null ? (extensions as Record<string, unknown>) : {};
}

/** The service whose call failed, when `error` says so (Hive names it `serviceName`, or `service` once renamed). */
function unreachableService(error: unknown): string | undefined {
  const { code, serviceName, service } = extensionsOf(error);
  if (code !== SUBREQUEST_FAILED) return undefined;
  const name = serviceName ?? service;
  return typeof name === "string" ? name : undefined;
}

/** Hive's `maskedErrors.maskError`, called for every error of an answer; `message` is "Unexpected error.". */
export function maskError(error: unknown, message: string): Error {
  if (!(error instanceof GraphQLError)) return new GraphQLError(message, { extensions: { code: "INTERNAL_SERVER_ERROR" } });
  const at = { nodes: error.nodes, path: error.path };
  const service = unreachableService(error) ?? unreachableService(error.originalError);
  if (service) return serviceUnavailableError(service, at);
  const cause = error.originalError;
  if (cause && !(cause instanceof GraphQLError)) return new GraphQLError(message, { ...at, extensions: { code: "INTERNAL_SERVER_ERROR" } });
  const { request: _request, response: _response, ...extensions } = error.extensions;
  if (_request === undefined && _response === undefined) return error;
  return new GraphQLError(error.message, { ...at, extensions });
}
