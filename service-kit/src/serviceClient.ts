/**
 * GraphQL over HTTP between services (the payment service reading an order, for example).
 * Errors from the other side keep their code; an unreachable service becomes a clear error.
 */
import { AppError, type ErrorCode } from "./errors.js";

export interface GraphQLResponse<T> {
  data?: T;
  errors?: { message: string; extensions?: { code?: string; field?: string; params?: Record<string, unknown> } }[];
}

/** Another service could not be reached: a public error, so the operator learns which one. */
export class ServiceUnavailableError extends AppError {
  constructor(service: string, reason: string) {
    super("SERVICE_UNAVAILABLE", `The ${service} service is unavailable: ${reason}`, { params: { service }, extra: { service } });
  }
}

export interface ServiceClient {
  request<T>(query: string, variables?: Record<string, unknown>): Promise<T>;
}

/** A client for one service's GraphQL endpoint. `headers` adds identity headers per call. */
export function createServiceClient(
  service: string,
  url: string,
  headers: () => Promise<Record<string, string>> | Record<string, string> = () => ({}),
  timeoutMs = 10_000,
): ServiceClient {
  return {
    async request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
      let res: Response;
      try {
        res = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json", ...(await headers()) },
          body: JSON.stringify({ query, variables }),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (err) {
        throw new ServiceUnavailableError(service, err instanceof Error ? err.message : String(err));
      }
      let body: GraphQLResponse<T>;
      try {
        body = (await res.json()) as GraphQLResponse<T>;
      } catch {
        throw new ServiceUnavailableError(service, `HTTP ${res.status} without a GraphQL body`);
      }
      const first = body.errors?.[0];
      if (first) {
        // Keep the other side's code, field and params so the operator gets the real reason.
        const { code = "INTERNAL_SERVER_ERROR", field, params } = first.extensions ?? {};
        throw new AppError(code as ErrorCode, `${service} service: ${first.message}`, { field, params });
      }
      if (!body.data) throw new ServiceUnavailableError(service, `HTTP ${res.status} without data`);
      return body.data;
    },
  };
}
