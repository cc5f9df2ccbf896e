/**
 * The gateway: @apollo/gateway over @apollo/server, serving the committed supergraph, the built
 * admin UI, `/health` (alive) and `/ready` (every subgraph ready) on one origin.
 */
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import type { AddressInfo } from "node:net";
import express from "express";
import { ApolloGateway } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { expressMiddleware } from "@as-integrations/express5";
import { createLogger, handleGraphQLPost, REPO_ROOT, type LogLevel } from "@ops/service-kit";
import { SUPERGRAPH_FILE } from "./supergraph/composeSupergraph.js";
import { SubgraphDataSource } from "./subgraphDataSource.js";

export interface GatewayOptions {
  port: number;
  host?: string;
  /** Subgraph name → GraphQL URL (overrides the routing URLs in the supergraph). */
  subgraphUrls: Record<string, string>;
  supergraphSdl?: string;
  logLevel?: LogLevel;
}

export interface RunningGateway {
  url: string;
  port: number;
  stop: () => Promise<void>;
}

/** The built admin UI, or the placeholder page until it is built. */
function adminUiDir(): string {
  const built = path.join(REPO_ROOT, "admin-ui", "dist");
  return fs.existsSync(path.join(built, "index.html")) ? built : path.join(REPO_ROOT, "admin-ui", "placeholder");
}

async function subgraphReadiness(urls: Record<string, string>) {
  return Promise.all(
    Object.entries(urls).map(async ([name, url]) => {
      try {
        const res = await fetch(url.replace(/\/graphql$/, "/ready"), { signal: AbortSignal.timeout(2000) });
        return { name, ready: res.ok };
      } catch {
        return { name, ready: false };
      }
    }),
  );
}

export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const logger = createLogger("gateway", options.logLevel ?? "info");
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl ?? fs.readFileSync(SUPERGRAPH_FILE, "utf8"),
    buildService: ({ name, url }) => {
      const target = options.subgraphUrls[name] ?? url;
      if (!target) throw new Error(`No URL for subgraph ${name}`);
      return new SubgraphDataSource(name, target);
    },
  });
  const app = express();
  app.disable("x-powered-by");
  const httpServer = http.createServer((req, res) => {
    if (req.method === "POST" && (req.url === "/graphql" || req.url?.startsWith("/graphql?"))) {
      handleGraphQLPost(server, req, res, () => ({}), 1024 * 1024).catch((err: unknown) => {
        logger.error("request failed", { error: err instanceof Error ? err.message : String(err) });
        if (!res.headersSent) res.writeHead(500).end();
      });
    } else app(req, res);
  });
  httpServer.keepAliveTimeout = 65_000;
  const server = new ApolloServer({
    gateway,
    includeStacktraceInErrorResponses: false,
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer })],
  });
  await server.start();

  app.get("/health", (_req, res) => {
    res.json({ status: "ok", service: "gateway" });
  });
  app.get("/ready", async (_req, res) => {
    const subgraphs = await subgraphReadiness(options.subgraphUrls);
    const ready = subgraphs.every((s) => s.ready);
    res.status(ready ? 200 : 503).json({ status: ready ? "ready" : "degraded", subgraphs });
  });
  app.use("/graphql", express.json({ limit: "1mb" }), expressMiddleware(server));
  app.use(express.static(adminUiDir(), { index: "index.html" }));

  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(options.port, options.host ?? "127.0.0.1", () => resolve());
  });
  const { port } = httpServer.address() as AddressInfo;
  const host = options.host && options.host !== "0.0.0.0" ? options.host : "127.0.0.1";
  const url = `http://${host}:${port}/graphql`;
  logger.info("listening", { url });
  return { url, port, stop: () => server.stop() };
}
