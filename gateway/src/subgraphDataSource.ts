/**
 * How the gateway talks to a subgraph: plain `http.request` over a keep-alive pool (the default
 * fetch path cost the gateway about a third of its CPU under load), and a subgraph that cannot
 * be reached (SERVICE_UNAVAILABLE) or does not answer in time (SERVICE_TIMEOUT) becomes an error
 * that names it (`extensions.service`), so clients can show "payment service unavailable" or
 * "payment service timed out" next to the data the other subgraphs returned.
 * Every call carries the router's shared secret and the caller's `Authorization`, which the
 * subgraph verifies itself (what any router does by header propagation).
 */
import http from "node:http";
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from "@apollo/gateway";
import type { GatewayGraphQLResponse } from "@apollo/server-gateway-interface";
import { GraphQLError, type GraphQLErrorOptions } from "graphql";
import { ROUTER_SECRET_HEADER } from "@ops/service-kit";
import type { GatewayContext } from "./security/requestGuard.js";

export const SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE";
export const SERVICE_TIMEOUT = "SERVICE_TIMEOUT";
/** How long one subgraph call may take unless SUBGRAPH_TIMEOUT_MS says otherwise. */
export const DEFAULT_SUBGRAPH_TIMEOUT_MS = 30_000;
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

export class SubgraphDataSource implements GraphQLDataSource<GatewayContext> {
  private readonly target: URL;

  constructor(
    private readonly serviceName: string,
    url: string,
    private readonly routerSecret: string,
    private readonly timeoutMs = DEFAULT_SUBGRAPH_TIMEOUT_MS,
  ) {
    this.target = new URL(url);
  }

  async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    const { query, variables, operationName, extensions } = options.request;
    const body = JSON.stringify({ query, variables, operationName, extensions });
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "content-length": String(Buffer.byteLength(body)),
      [ROUTER_SECRET_HEADER]: this.routerSecret,
    };
    const authorization = (options.context as Partial<GatewayContext> | undefined)?.authorization;
    if (authorization) headers.authorization = authorization;
    const { status, text } = await this.post(body, headers);
    if (status >= 200 && status < 300) {
      return JSON.parse(text) as GatewayGraphQLResponse;
    }
    let message = `HTTP ${status}`;
    try {
      const parsed = JSON.parse(text) as { errors?: { message: string; extensions?: { code?: string } }[] };
      const first = parsed.errors?.[0];
      if (first) throw new GraphQLError(first.message, { extensions: { ...first.extensions, service: this.serviceName } });
    } catch (err) {
      if (err instanceof GraphQLError) throw err;
      message += `: ${text.slice(0, 200)}`;
    }
    throw new GraphQLError(`The ${this.serviceName} service answered ${message}`, {
      extensions: { code: status === 401 ? "UNAUTHENTICATED" : status === 403 ? "FORBIDDEN" : "INTERNAL_SERVER_ERROR", service: this.serviceName },
    });
  }

  private post(body: string, headers: Record<string, string>, retried = false): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      let timedOut = false;
      const req = http.request(
        { agent, host: this.target.hostname, port: this.target.port, path: this.target.pathname, method: "POST", headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            clearTimeout(deadline);
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") });
          });
          res.on("error", (err) => reject(timedOut ? this.timedOut() : this.unavailable(err)));
        },
      );
      // A deadline for the whole call (a socket timeout would restart with every byte received).
      const deadline = setTimeout(() => {
        timedOut = true;
        req.destroy(new Error(`no answer within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      req.on("error", (err: NodeJS.ErrnoException) => {
        clearTimeout(deadline);
        if (timedOut) reject(this.timedOut());
        // A pooled connection the subgraph closed while idle: the request never reached it, so
        // sending it once more on a fresh connection is safe (Node's documented pattern).
        else if (req.reusedSocket && !retried && (err.code === "ECONNRESET" || err.message === "socket hang up")) {
          this.post(body, headers, true).then(resolve, reject);
        } else reject(this.unavailable(err));
      });
      req.end(body);
    });
  }

  private unavailable(error: Error): GraphQLError {
    return serviceUnavailableError(this.serviceName, { reason: error.message });
  }

  private timedOut(): GraphQLError {
    // Unlike a refused connection, the request may have reached the service: a change it asked
    // for may still be made, so the message says so.
    return new GraphQLError(
      `The ${this.serviceName} service did not answer within ${this.timeoutMs / 1000} s; the data it provides is missing from this response, and a change sent to it may still be made.`,
      { extensions: { code: SERVICE_TIMEOUT, service: this.serviceName, params: { service: this.serviceName, timeoutMs: this.timeoutMs } } },
    );
  }
}

/**
 * A subgraph that could not be reached, as both gateways say it (ours here, Hive Gateway in
 * `gateway/hive/maskErrors.ts`): the rest of the answer stands, this service's part is missing.
 */
export function serviceUnavailableError(service: string, options: { reason?: string } & Pick<GraphQLErrorOptions, "nodes" | "path"> = {}): GraphQLError {
  const { reason, ...at } = options;
  return new GraphQLError(`The ${service} service is unavailable; the data it provides is missing from this response.`, {
    ...at,
    extensions: { code: SERVICE_UNAVAILABLE, service, params: { service }, ...(reason !== undefined ? { reason } : {}) },
  });
}
