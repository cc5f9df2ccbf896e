/**
 * Errors the gateway answers itself, before any operation runs (sign-in, credentials, rate and
 * size limits): GraphQL-shaped bodies `{ errors: [{ message, extensions: { code, params } }] }`
 * on every route, so a client reads one format.
 */
import type { ServerResponse } from "node:http";
import { GraphQLError } from "graphql";
import type { ErrorCode } from "@ops/service-kit";

export type GatewayErrorCode = ErrorCode | "BAD_REQUEST" | "TOO_MANY_REQUESTS" | "PAYLOAD_TOO_LARGE" | "UNSUPPORTED_MEDIA_TYPE";

/** `details` as in the service errors: `field` (the input path) and `params` (values for a translated message). */
export function gatewayError(code: GatewayErrorCode, message: string, details: { field?: string; params?: Record<string, unknown> } = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...details } });
}

/** The JSON body for `error` (without the internal `http` extension). */
export function errorBody(error: GraphQLError): string {
  const { http: _http, ...extensions } = error.extensions;
  return JSON.stringify({ errors: [{ message: error.message, extensions }] });
}

/** Ends `res` with `error`; `headers` such as Retry-After go along. */
export function sendError(res: ServerResponse, status: number, error: GraphQLError, headers: Record<string, string> = {}): void {
  const body = errorBody(error);
  res.writeHead(status, { ...headers, "content-type": "application/json; charset=utf-8", "content-length": String(Buffer.byteLength(body)) });
  res.end(body);
}
