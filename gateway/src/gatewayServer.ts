/**
 * The gateway: @apollo/gateway over @apollo/server, serving the committed supergraph, sign-in
 * (`/auth/*`), the bulk import's file transfers (`/uploads/*`, `/imports/*`, `/exports/*`, streamed
 * to the order service), the built admin UI, `/health` (alive) and `/ready` (each subgraph's state)
 * on one origin. Every GraphQL request passes the same checks (credentials, rate limit, body size, CSRF,
 * query limits) whether it takes the lean POST path or Express.
 */
import fs from "node:fs";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import path from "node:path";
import type { AddressInfo } from "node:net";
import express, { type RequestHandler } from "express";
import { ApolloGateway } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { ApolloServerPluginLandingPageLocalDefault } from "@apollo/server/plugin/landingPage/default";
import { expressMiddleware } from "@as-integrations/express5";
import {
  createApiKeyStore,
  createAuthenticator,
  createLogger,
  DEFAULT_DRAIN_TIMEOUT_MS,
  drainHttp,
  createTokenVerifier,
  formatRequestError,
  pruneRevocations,
  startRevocationList,
  type AuthDb,
  handleGraphQLPost,
  logTightened,
  REPO_ROOT,
  requestHygiene,
  sqliteFiles,
  tightenFiles,
  type LogLevel,
  type Secrets,
} from "@ops/service-kit";
import { createAuthRoutes } from "./auth/authRoutes.js";
import { createLoginThrottle } from "./auth/loginThrottle.js";
import type { SecurityConfig } from "./config.js";
import { gatewayError, sendError } from "./errors.js";
import { createImportFileRoutes } from "./imports/importFileRoutes.js";
import { readiness } from "./readiness.js";
import { rateLimitStoreFor } from "./security/rateLimiters.js";
import { createHttpSecurity, LANDING_PAGE_CSP } from "./security/httpSecurity.js";
import { formatLimitError, queryLimits } from "./security/queryLimits.js";
import { createRequestGuard, isRejection, type GatewayContext, type Rejection } from "./security/requestGuard.js";
import { requireSignIn } from "./security/requireSignIn.js";
import { SUPERGRAPH_FILE } from "./supergraph/composeSupergraph.js";
import { SubgraphDataSource } from "./subgraphDataSource.js";

export interface GatewayOptions {
  port: number;
  host?: string;
  /** Subgraph name → GraphQL URL (overrides the routing URLs in the supergraph). */
  subgraphUrls: Record<string, string>;
  supergraphSdl?: string;
  logLevel?: LogLevel;
  /** Access control and abuse limits: `readGatewayConfig().security`. */
  security: SecurityConfig;
  /** `loadSecrets(dataDir)`: the token key pair, the router secret and the service secret. */
  secrets: Pick<Secrets, "jwtPrivateKey" | "jwtPublicKey" | "routerSecret" | "serviceSecret">;
  /** How long one subgraph call may take (`readGatewayConfig().subgraphTimeoutMs`); 30 s by default. */
  subgraphTimeoutMs?: number;
  /** How long a stop waits for in-flight requests (DRAIN_TIMEOUT_MS, default 20 s). */
  drainTimeoutMs?: number;
  /** How long a stop keeps accepting connections while `/ready` answers 503 (DRAIN_NOTICE_MS, default 0). */
  drainNoticeMs?: number;
  /**
   * The auth database (migrated; `openAuthDatabase(config.authDatabase)`), shared by every
   * gateway: users, session revocations, and, on PostgreSQL, the rate limits. Not closed by `stop`.
   */
  authDatabase: AuthDb;
  /** Between two reads of new session revocations (`readGatewayConfig().revocationPollMs`); 250 ms by default. */
  revocationPollMs?: number;
}

export interface RunningGateway {
  url: string;
  port: number;
  /**
   * Drains and stops: `/ready` answers 503 "draining" at once, no new connection is accepted,
   * in-flight requests (uploads and downloads too) finish within the drain timeout.
   */
  stop: () => Promise<void>;
}

/** The built admin UI, or the placeholder page until it is built. */
function adminUiDir(): string {
  const built = path.join(REPO_ROOT, "admin-ui", "dist");
  return fs.existsSync(path.join(built, "index.html")) ? built : path.join(REPO_ROOT, "admin-ui", "placeholder");
}

function sendRejection(res: ServerResponse, rejection: Rejection): void {
  sendError(res, rejection.status, rejection.error, rejection.headers);
}

export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const logger = createLogger("gateway", options.logLevel ?? "info");
  const { security, secrets } = options;
  const maxBody = security.limits.maxBodyBytes;
  // Written 0600 by our scripts; one copied in or restored from a backup may not be.
  const database = options.authDatabase;
  const authFiles = database.target.kind === "sqlite" ? sqliteFiles(database.target.path) : [];
  logTightened(logger, tightenFiles([security.usersFile, security.apiKeysFile, ...authFiles]));
  const revocations = startRevocationList(database, {
    ...(options.revocationPollMs ? { pollMs: options.revocationPollMs } : {}),
    onStateChange: (problem) => (problem ? logger.error("user tokens refused", { reason: problem }) : logger.info("session revocations read again")),
  });
  await revocations.loaded;
  // Revocations outlive the tokens they name by at most a minute.
  const pruning = setInterval(() => {
    pruneRevocations(database.db).catch((err: unknown) => logger.warn("revocations not pruned", { error: err instanceof Error ? err.message : String(err) }));
  }, 60_000);
  pruning.unref();
  const limitStore = rateLimitStoreFor(database.target);
  const tokens = createTokenVerifier(secrets.jwtPublicKey, secrets.serviceSecret, revocations);
  const authenticator = createAuthenticator(tokens, createApiKeyStore(security.apiKeysFile));
  // An anonymous caller may only introspect, so where that is off, and always in production, the
  // guard refuses them before their document is even parsed: no syntax or validation detail.
  const guard = createRequestGuard(authenticator, security.rateLimitPerMinute, {
    anonymous: security.introspection && !security.production,
    store: limitStore,
    trustedProxyHops: security.trustedProxyHops,
  });
  const httpSecurity = createHttpSecurity({ corsOrigins: security.corsOrigins, https: security.cookieSecure });
  const limits = queryLimits(security.limits);
  const orderUrl = options.subgraphUrls.order;
  if (!orderUrl) throw new Error("No URL for subgraph order (the import file routes need it)");
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl ?? fs.readFileSync(SUPERGRAPH_FILE, "utf8"),
    buildService: ({ name, url }) => {
      const target = options.subgraphUrls[name] ?? url;
      if (!target) throw new Error(`No URL for subgraph ${name}`);
      return new SubgraphDataSource(name, target, secrets.routerSecret, options.subgraphTimeoutMs);
    },
  });

  const tooLarge = gatewayError("PAYLOAD_TOO_LARGE", `The request body is larger than the limit of ${maxBody} bytes.`, { params: { max: maxBody } });
  // The hot path: POST /graphql without Express's router and body parser, same checks.
  const serveGraphQLPost = async (req: IncomingMessage, res: ServerResponse) => {
    httpSecurity.apply(req, res);
    if (Number(req.headers["content-length"]) > maxBody) {
      // Node reads and discards the unread body after the answer, so the client gets the 413.
      sendError(res, 413, tooLarge);
      return;
    }
    const checked = await guard(req);
    if (isRejection(checked)) sendRejection(res, checked);
    else await handleGraphQLPost(server, req, res, () => checked, maxBody);
  };

  const app = express();
  app.disable("x-powered-by");
  const httpServer = http.createServer((req, res) => {
    if (req.method === "POST" && (req.url === "/graphql" || req.url?.startsWith("/graphql?"))) {
      serveGraphQLPost(req, res).catch((err: unknown) => {
        logger.error("request failed", { error: err instanceof Error ? err.message : String(err) });
        if (!res.headersSent) res.writeHead(500).end();
      });
    } else app(req, res);
  });
  httpServer.keepAliveTimeout = 65_000;
  const drainTimeoutMs = options.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS;
  let draining = false;
  const server = new ApolloServer<GatewayContext>({
    gateway,
    introspection: security.introspection,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    // On by default; stated because the session cookie relies on it: a request a browser may send
    // cross-site without a preflight (GET, or a form-like content type) is refused.
    csrfPrevention: true,
    validationRules: limits.validationRules,
    parseOptions: limits.parseOptions,
    formatError: (formatted, error) => formatLimitError(formatRequestError(formatted, error)),
    // main.ts drains on SIGTERM (stopOnSignals); Apollo's own handler would re-raise the signal.
    stopOnTerminationSignals: false,
    plugins: [
      // Counts requests per connection on every route: file uploads and downloads drain too.
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: drainTimeoutMs }),
      security.sandbox ? ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: true }) : ApolloServerPluginLandingPageDisabled(),
      requireSignIn,
      requestHygiene<GatewayContext>(),
      ...limits.plugins,
    ],
  });
  await server.start();

  // GET /graphql (queries, or the Sandbox page when there is no operation) and any other method.
  const guardGraphQL: RequestHandler = async (req, res, next) => {
    const query = req.query as Record<string, unknown>;
    if (req.method === "GET" && query.query === undefined && query.extensions === undefined) {
      if (security.sandbox) res.setHeader("content-security-policy", LANDING_PAGE_CSP);
      res.locals.gateway = { identity: null, authorization: undefined } satisfies GatewayContext;
      next();
      return;
    }
    const checked = await guard(req);
    if (isRejection(checked)) sendRejection(res, checked);
    else {
      res.locals.gateway = checked;
      next();
    }
  };

  app.use(httpSecurity.middleware);
  app.get("/health", (_req, res) => {
    res.json({ status: "ok", service: "gateway" });
  });
  app.get("/ready", async (_req, res) => {
    // A load balancer stops sending here before the connections close.
    if (draining) {
      res.status(503).set("connection", "close").json({ ready: false, status: "draining", services: {} });
      return;
    }
    const body = await readiness(options.subgraphUrls);
    // Without a current revocation list every user token is refused: not ready, and why.
    const stale = revocations.problem();
    const answer = stale ? { ...body, ready: false, status: "degraded", auth: { state: "not_ready", reason: stale } } : body;
    res.status(answer.ready ? 200 : 503).json(answer);
  });
  app.use(
    "/auth",
    createAuthRoutes({
      database,
      authenticator,
      tokens,
      revocations,
      jwtPrivateKey: secrets.jwtPrivateKey,
      sessionTtlSeconds: security.sessionTtlSeconds,
      cookieSecure: security.cookieSecure,
      throttle: createLoginThrottle({}, limitStore),
      trustedProxyHops: security.trustedProxyHops,
      logger,
    }),
  );
  app.use(
    "/graphql",
    guardGraphQL,
    express.json({ limit: maxBody }),
    expressMiddleware(server, { context: async ({ res }) => res.locals.gateway as GatewayContext }),
  );
  // Before any body parser: uploads are streamed, under their own limit (IMPORT_MAX_BYTES).
  app.use(
    createImportFileRoutes({
      guard,
      orderServiceUrl: orderUrl,
      routerSecret: secrets.routerSecret,
      importMaxBytes: security.importMaxBytes,
      logger,
    }),
  );
  app.use(express.static(adminUiDir(), { index: "index.html" }));
  // Anything unexpected: logged (message only) and answered in the one error shape, no stack.
  app.use((err: unknown, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    logger.error("request failed", { error: err instanceof Error ? err.message : String(err) });
    if (res.headersSent) return next(err);
    sendError(res, 500, gatewayError("INTERNAL_SERVER_ERROR", "Internal server error: the problem was logged; try again or contact the administrator."));
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(options.port, options.host ?? "127.0.0.1", () => resolve());
  });
  const { port } = httpServer.address() as AddressInfo;
  const host = options.host && options.host !== "0.0.0.0" ? options.host : "127.0.0.1";
  const url = `http://${host}:${port}/graphql`;
  logger.info("listening", { url });
  let stopping: Promise<void> | undefined;
  const stop = async () => {
    draining = true;
    logger.info("draining: /ready answers 503", { drainNoticeMs: options.drainNoticeMs ?? 0, drainTimeoutMs });
    await drainHttp(options.drainNoticeMs ?? 0, () => server.stop(), logger);
    clearInterval(pruning);
    await revocations.close();
    await limitStore.close();
  };
  return { url, port, stop: () => (stopping ??= stop()) };
}
