/**
 * Response headers for everything the gateway serves: helmet's security headers with a
 * self-only Content-Security-Policy (the admin UI has no inline script or style), and CORS
 * headers only for the origins listed in CORS_ORIGINS (never `*`; credentials allowed for them).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import cors from "cors";
import helmet from "helmet";

type Middleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

export interface HttpSecurity {
  /** Adds the headers to `res` (synchronous; usable outside Express). */
  apply(req: IncomingMessage, res: ServerResponse): void;
  /** The same, as Express middleware (answers CORS preflight requests). */
  middleware: Middleware;
}

// Apollo's Sandbox page loads its scripts, styles and iframe from Apollo's CDN and inlines a
// bootstrap script. The page carries its own CSP (a <meta> with a fresh nonce for that script),
// and a browser enforces both policies, so this header only widens ours to the CDN hosts and
// leaves the nonce check to Apollo's meta policy. Sent on GET /graphql only, and only when the
// Sandbox is enabled (by default not in production).
const APOLLO_CDN = [
  "https://apollo-server-landing-page.cdn.apollographql.com",
  "https://embeddable-sandbox.cdn.apollographql.com",
  "https://embeddable-explorer.cdn.apollographql.com",
].join(" ");
export const LANDING_PAGE_CSP = [
  "default-src 'self'",
  `script-src 'self' 'unsafe-inline' ${APOLLO_CDN}`,
  `style-src 'self' 'unsafe-inline' ${APOLLO_CDN} https://fonts.googleapis.com`,
  "img-src 'self' data: https://apollo-server-landing-page.cdn.apollographql.com",
  "font-src 'self' https://fonts.gstatic.com",
  "manifest-src https://apollo-server-landing-page.cdn.apollographql.com",
  "frame-src https://sandbox.embed.apollographql.com https://explorer.embed.apollographql.com",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
].join("; ");

/** `https` says the gateway is reached over HTTPS (production), which turns on HSTS and upgrades. */
export function createHttpSecurity(options: { corsOrigins: string[]; https: boolean }): HttpSecurity {
  const headers = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", "data:"],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(options.https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: options.https,
    xFrameOptions: { action: "deny" },
  }) as Middleware;
  const allowed = new Set(options.corsOrigins);
  const corsHeaders = allowed.size
    ? (cors({
        origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin) ? origin : false),
        credentials: true,
        methods: ["GET", "POST", "PUT"],
        allowedHeaders: ["content-type", "authorization", "apollo-require-preflight", "x-apollo-operation-name"],
        exposedHeaders: ["retry-after"],
        maxAge: 600,
      }) as unknown as Middleware)
    : null;
  const rethrow = (err?: unknown) => {
    if (err) throw err;
  };
  return {
    apply(req, res) {
      headers(req, res, rethrow);
      if (corsHeaders && req.headers.origin) corsHeaders(req, res, rethrow);
    },
    middleware(req, res, next) {
      headers(req, res, rethrow);
      if (corsHeaders && req.headers.origin) corsHeaders(req, res, next);
      else next();
    },
  };
}
