/**
 * Boots one subgraph: `POST /graphql` (only through the router: the router's shared secret and
 * a verified caller are required, roles are checked per field, mutations are audited),
 * `/health` (alive) and `/ready` (its database answers). Used by every service's `main.ts` and
 * by tests.
 */
import http, { type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import express, { type Express } from "express";
import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from "@apollo/server/plugin/disabled";
import { buildSubgraphSchema } from "@apollo/subgraph";
import type { GraphQLResolverMap } from "@apollo/subgraph/dist/schema-helper/index.js";
import { parse } from "graphql";
import { sql } from "kysely";
import { AuditLog } from "./auth/auditLog.js";
import { authFailureStatus, hasRouterSecret, ROUTER_SECRET_HEADER, type Authenticator } from "./auth/authenticate.js";
import type { RevocationList } from "./auth/revocationList.js";
import { applyAuthorization, assertRole, type AuthContext } from "./auth/authorize.js";
import type { Identity, Role } from "./auth/roles.js";
import type { ServiceDb } from "./data/openDatabase.js";
import { AppError, createFormatError, UnauthenticatedError } from "./errors.js";
import type { EventHandler } from "./events/receiver.js";
import { receiveEvents, startServiceEvents, type EventWiring, type ServiceEvents } from "./events/serviceEvents.js";
import { handleGraphQLPost, sendGraphQLError } from "./graphqlHttp.js";
import { requestHygiene } from "./requestHygiene.js";
import type { Logger } from "./logger.js";
import { logTightened, sqliteFiles, tightenFiles } from "./privateFiles.js";
import { boundedCheck, DEFAULT_DRAIN_TIMEOUT_MS, drainDeadline, drainHttp, type DrainDeadline } from "./drain.js";

/** `/ready`'s default bound on the database check: under the gateway's 2 s wait for an answer. */
export const READY_TIMEOUT_MS = 1_000;

export interface SubgraphSecurity {
  /** The router's shared secret; requests without it are refused. */
  routerSecret: string;
  authenticator: Authenticator;
  /**
   * The session revocations the authenticator checks: loaded before the server listens, part of
   * `/ready`, closed when the server stops.
   */
  revocations?: RevocationList;
}

export interface SubgraphServerOptions<TContext extends AuthContext> {
  name: string;
  typeDefs: string;
  resolvers: GraphQLResolverMap<TContext>;
  /** Builds the per-request context (fresh DataLoaders live here) for a verified caller. */
  context: (req: IncomingMessage, identity: Identity | null, events: ServiceEvents) => Promise<TContext> | TContext;
  /** Outbox delivery (every service has one) and, for consumers, the event handler. */
  events: EventWiring & { handle?: (events: ServiceEvents) => EventHandler };
  security: SubgraphSecurity;
  /**
   * The service's database (SQLite or PostgreSQL): its `audit_log` receives every mutation, its
   * `outbox` holds events to deliver, and `/ready` runs `SELECT 1` on it.
   */
  database: ServiceDb<any>;
  /**
   * Resolves when the service can serve; rejects with the reason otherwise. Runs after `SELECT 1`
   * on `database`.
   */
  ready?: () => Promise<void>;
  logger: Logger;
  host?: string;
  port: number;
  /**
   * Extra HTTP routes (uploads, downloads). `authenticate` applies the same rules as GraphQL:
   * the router secret, a verified caller and at least `role`; it throws an AppError otherwise.
   */
  routes?: (app: Express, authenticate: (req: IncomingMessage, role: Role) => Promise<Identity>) => void;
  plugins?: ApolloServerPlugin<TContext>[];
  /**
   * How long a stop may take to drain (DRAIN_TIMEOUT_MS, default 20 s): in-flight requests,
   * uploads and downloads finish within it, then their connections are closed.
   */
  drainTimeoutMs?: number;
  /** How long a stop keeps accepting connections while `/ready` answers 503 (DRAIN_NOTICE_MS, default 0). */
  drainNoticeMs?: number;
  /** How long `/ready` waits for the database before answering 503 (default 1 s). */
  readyTimeoutMs?: number;
  /**
   * Called when a stop begins, while in-flight requests finish: stop claiming work, let the work
   * running reach a safe point (cut it short once `deadline` passes) and give back its claims.
   */
  onDrain?: (deadline: DrainDeadline) => Promise<void>;
  /** Called once the drain is over (HTTP server closed, outbox stopped): close the pools. */
  onStop?: () => Promise<void>;
}

export interface RunningServer {
  url: string;
  port: number;
  /**
   * Drains and stops: `/ready` answers 503 "draining" at once, no new connection is accepted,
   * in-flight requests finish (within the drain timeout), the outbox dispatcher and `onDrain`'s
   * work stop and give back their claims, then `onStop` closes the pools.
   */
  stop: () => Promise<void>;
  /** The service's outbox dispatcher (wake it after writing events outside a request). */
  events: ServiceEvents;
}

/** Starts the subgraph and resolves once it listens. Port 0 picks a free port. */
export async function startSubgraphServer<TContext extends AuthContext>(
  options: SubgraphServerOptions<TContext>,
): Promise<RunningServer> {
  const { database } = options;
  const dbPath = database.target.kind === "sqlite" ? database.target.path : undefined;
  // A database created by the migration (another process, another umask) or by an older version.
  if (dbPath) logTightened(options.logger, tightenFiles(sqliteFiles(dbPath)));
  const app = express();
  app.disable("x-powered-by");
  const { routerSecret, authenticator, revocations } = options.security;
  const serveGraphQL = async (req: IncomingMessage, res: http.ServerResponse) => {
    let identity: Identity | null;
    try {
      if (!hasRouterSecret(req.headers[ROUTER_SECRET_HEADER], routerSecret)) {
        throw new UnauthenticatedError("This service only answers requests that come through the router.");
      }
      identity = await authenticator.identify(req.headers.authorization);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      sendGraphQLError(res, authFailureStatus(err), err);
      return;
    }
    await handleGraphQLPost(server, req, res, (r) => options.context(r, identity, events));
  };
  const httpServer = http.createServer((req, res) => {
    if (req.method === "POST" && (req.url === "/graphql" || req.url?.startsWith("/graphql?"))) {
      serveGraphQL(req, res).catch((err: unknown) => {
        options.logger.error("request failed", { error: err instanceof Error ? err.message : String(err) });
        if (!res.headersSent) res.writeHead(500).end();
      });
    } else app(req, res);
  });
  // Longer than any router's idle pool timeout, so pooled connections are closed by the client.
  httpServer.keepAliveTimeout = 65_000;
  const audit = new AuditLog(database, options.name, options.logger);
  const events = startServiceEvents(database, options.events, options.logger);
  const ready = boundedCheck(async () => {
    try {
      await sql`SELECT 1`.execute(database.db);
    } catch (err) {
      throw new Error(`database unavailable: ${err instanceof Error ? err.message : String(err)}`);
    }
    const stale = revocations?.problem();
    if (stale) throw new Error(stale);
    await options.ready?.();
  }, options.readyTimeoutMs ?? READY_TIMEOUT_MS);
  const drainTimeoutMs = options.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS;
  let draining = false;
  const eventResolvers = events.resolvers(options.name);
  // Every subgraph serves its own audit trail as `<service>AuditLog` (declared in its schema).
  const resolvers = {
    ...options.resolvers,
    Query: {
      ...options.resolvers.Query,
      ...eventResolvers.Query,
      [`${options.name}AuditLog`]: (_: unknown, args: Parameters<AuditLog["list"]>[0]) => audit.list(args),
    },
    Mutation: { ...options.resolvers.Mutation, ...eventResolvers.Mutation },
  } as GraphQLResolverMap<unknown>;
  const schema = applyAuthorization(buildSubgraphSchema({ typeDefs: parse(options.typeDefs), resolvers }), audit);
  const server = new ApolloServer<TContext>({
    schema,
    formatError: createFormatError(options.logger),
    includeStacktraceInErrorResponses: false,
    // main.ts drains on SIGTERM (stopOnSignals); Apollo's own handler would re-raise the signal.
    stopOnTerminationSignals: false,
    // The drain covers every route (uploads and downloads too): it counts requests per connection.
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: drainTimeoutMs }), ApolloServerPluginInlineTraceDisabled(),
      // No HTTP caching of GraphQL answers here; the plugin would otherwise wrap every field resolver.
      ApolloServerPluginCacheControlDisabled(),
      requestHygiene<TContext>(),
      ...(options.plugins ?? [])],
  });
  await server.start();

  app.get("/health", (_req, res) => {
    res.json({ status: "ok", service: options.name });
  });
  app.get("/ready", async (_req, res) => {
    // A load balancer stops sending here before the connections close.
    if (draining) {
      res.status(503).set("connection", "close").json({ status: "draining", service: options.name });
      return;
    }
    try {
      await ready();
      res.json({ status: "ready", service: options.name });
    } catch (err) {
      res.status(503).json({ status: "unavailable", service: options.name, reason: err instanceof Error ? err.message : String(err) });
    }
  });
  if (options.events.handle) receiveEvents(app, options.events.webhookSecret, options.events.handle(events), options.logger);
  options.routes?.(app, async (req, role) => {
    if (!hasRouterSecret(req.headers[ROUTER_SECRET_HEADER], routerSecret)) {
      throw new UnauthenticatedError("This service only answers requests that come through the router.");
    }
    return assertRole(await authenticator.identify(req.headers.authorization), role, `${req.method} ${req.url?.split("?")[0]}`);
  });

  // Not before the revocation list was read: until then a signed-out token would pass (or, fail
  // closed, every user token would be refused).
  await revocations?.loaded;
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
    events,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      draining = true;
      const noticeMs = options.drainNoticeMs ?? 0;
      // Background work stops at once; only the HTTP side waits for the notice period.
      const deadline = drainDeadline(noticeMs + drainTimeoutMs);
      const log = options.logger;
      log.info("draining: /ready answers 503", { drainNoticeMs: noticeMs, drainTimeoutMs });
      await Promise.all([
        drainHttp(noticeMs, () => server.stop(), log),
        events.stop().then(() => log.info("outbox dispatcher stopped; claimed events released")),
        options.onDrain?.(deadline),
      ]);
      await revocations?.close();
      await options.onStop?.();
      log.info("database connections closed");
    },
  };
}
