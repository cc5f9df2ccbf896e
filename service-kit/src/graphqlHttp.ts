/**
 * POST /graphql straight into Apollo Server, without Express's router and body parser: the
 * gateway calls each subgraph once per operation, so this path is hot. GET (the landing page)
 * and every other route still go through Express.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { HeaderMap, type ApolloServer, type BaseContext } from "@apollo/server";
import type { GraphQLError } from "graphql";

export const MAX_BODY_BYTES = 2 * 1024 * 1024;

function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        resolve(null);
        req.destroy();
      } else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** Answers with one GraphQL error (before execution: bad credentials, oversized body). */
export function sendGraphQLError(res: ServerResponse, status: number, error: GraphQLError): void {
  const { http: _http, ...extensions } = error.extensions;
  send(res, status, JSON.stringify({ errors: [{ message: error.message, extensions }] }));
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body), ...headers });
  res.end(body);
}

/** Handles a POST /graphql request with `server`; `context` builds the per-request context. */
export async function handleGraphQLPost<TContext extends BaseContext>(
  server: ApolloServer<TContext>,
  req: IncomingMessage,
  res: ServerResponse,
  context: (req: IncomingMessage) => Promise<TContext> | TContext,
  limit = MAX_BODY_BYTES,
): Promise<void> {
  const text = await readBody(req, limit);
  if (text === null) {
    send(res, 413, JSON.stringify({ errors: [{ message: `Request body larger than ${limit} bytes`, extensions: { code: "BAD_REQUEST" } }] }));
    return;
  }
  let body: unknown;
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  if ((headers.get("content-type") ?? "").startsWith("application/json")) {
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      send(res, 400, JSON.stringify({ errors: [{ message: "The request body is not valid JSON", extensions: { code: "BAD_REQUEST" } }] }));
      return;
    }
  }
  const url = req.url ?? "/graphql";
  const result = await server.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: "POST", headers, search: url.includes("?") ? url.slice(url.indexOf("?")) : "", body },
    context: () => Promise.resolve(context(req)),
  });
  for (const [name, value] of result.headers) res.setHeader(name, value);
  res.statusCode = result.status ?? 200;
  if (result.body.kind === "complete") {
    res.end(result.body.string);
    return;
  }
  for await (const chunk of result.body.asyncIterator) res.write(chunk);
  res.end();
}
