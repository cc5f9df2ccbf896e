/**
 * Boots one subgraph: Apollo Server over Express with `/graphql`, `/health` (alive) and
 * `/ready` (its database answers). Used by every service's `main.ts` and by tests.
 */
import http, { type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import express, { type Express, type Request } from "express";
import { ApolloServer, type ApolloServerPlugin, type BaseContext } from "@apollo/server";
import { expressMiddleware } from "@as-integrations/express5";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from "@apollo/server/plugin/disabled";
import { buildSubgraphSchema } from "@apollo/subgraph";
import type { GraphQLResolverMap } from "@apollo/subgraph/dist/schema-helper/index.js";
import { parse } from "graphql";
import { createFormatError } from "./errors.js";
import { handleGraphQLPost } from "./graphqlHttp.js";
import type { Logger } from "./logger.js";

export interface SubgraphServerOptions<TContext extends BaseContext> {
  name: string;
  typeDefs: string;
  resolvers: GraphQLResolverMap<TContext>;
  /** Builds the per-request context (fresh DataLoaders live here). */
  context: (req: Request | IncomingMessage) => Promise<TContext> | TContext;
  /** Resolves when the service can serve (database reachable); rejects with the reason otherwise. */
  ready: () => Promise<void>;
  logger: Logger;
  host?: string;
  port: number;
  /** Extra routes (webhooks, downloads) mounted before GraphQL. */
  routes?: (app: Express) => void;
  plugins?: ApolloServerPlugin<TContext>[];
  /** Called after the HTTP server has closed. */
  onStop?: () => Promise<void>;
}

export interface RunningServer {
  url: string;
  port: number;
  stop: () => Promise<void>;
}

/** Starts the subgraph and resolves once it listens. Port 0 picks a free port. */
export async function startSubgraphServer<TContext extends BaseContext>(
  options: SubgraphServerOptions<TContext>,
): Promise<RunningServer> {
  const app = express();
  app.disable("x-powered-by");
  const httpServer = http.createServer((req, res) => {
    if (req.method === "POST" && (req.url === "/graphql" || req.url?.startsWith("/graphql?"))) {
      handleGraphQLPost(server, req, res, options.context).catch((err: unknown) => {
        options.logger.error("request failed", { error: err instanceof Error ? err.message : String(err) });
        if (!res.headersSent) res.writeHead(500).end();
      });
    } else app(req, res);
  });
  // Longer than any router's idle pool timeout, so pooled connections are closed by the client.
  httpServer.keepAliveTimeout = 65_000;
  const server = new ApolloServer<TContext>({
    schema: buildSubgraphSchema({ typeDefs: parse(options.typeDefs), resolvers: options.resolvers as GraphQLResolverMap<unknown> }),
    formatError: createFormatError(options.logger),
    includeStacktraceInErrorResponses: false,
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer }), ApolloServerPluginInlineTraceDisabled(),
      // No HTTP caching of GraphQL answers here; the plugin would otherwise wrap every field resolver.
      ApolloServerPluginCacheControlDisabled(),
      ...(options.plugins ?? [])],
  });
  await server.start();

  app.get("/health", (_req, res) => {
    res.json({ status: "ok", service: options.name });
  });
  app.get("/ready", async (_req, res) => {
    try {
      await options.ready();
      res.json({ status: "ready", service: options.name });
    } catch (err) {
      res.status(503).json({ status: "unavailable", service: options.name, reason: err instanceof Error ? err.message : String(err) });
    }
  });
  options.routes?.(app);
  app.use(
    "/graphql",
    express.json({ limit: "2mb" }),
    expressMiddleware(server, { context: async ({ req }) => options.context(req) }),
  );

  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(options.port, options.host ?? "127.0.0.1", () => resolve());
  });
  const { port } = httpServer.address() as AddressInfo;
  const host = options.host && options.host !== "0.0.0.0" ? options.host : "127.0.0.1";
  options.logger.info("listening", { url: `http://${host}:${port}/graphql` });
  let stopped = false;
  return {
    url: `http://${host}:${port}/graphql`,
    port,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await server.stop();
      await options.onStop?.();
    },
  };
}
