/**
 * Where the gateway counts (the sign-in lock, the per-identity GraphQL limit): in memory when the
 * auth database is SQLite (one gateway, one machine), else in the auth database's `rate_limits`
 * table (rate-limiter-flexible's RateLimiterPostgres: one UPSERT per counted request), so every
 * gateway behind a load balancer sees the same counts. One factory chooses by the dialect.
 */
import pg from "pg";
import { RateLimiterMemory, RateLimiterPostgres, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { DatabaseTarget } from "@ops/service-kit/data";
import { serviceTypes } from "@ops/service-kit/data";

export interface LimiterOptions {
  /** Kept apart in one table by this prefix. */
  keyPrefix: string;
  points: number;
  /** Seconds the points are counted over. */
  duration: number;
  /** Seconds a key stays refused once over the limit (0: until the window ends). */
  blockDuration?: number;
}

export interface RateLimitStore {
  readonly kind: "memory" | "postgres";
  /** A limiter on this store. */
  limiter(options: LimiterOptions): RateLimiterAbstract;
  close(): Promise<void>;
}

/** The table the auth database's migration makes (prisma/auth: RateLimit). */
const TABLE = "rate_limits";

/** Counts in this process only. */
export function memoryRateLimitStore(): RateLimitStore {
  return { kind: "memory", limiter: (options) => new RateLimiterMemory(options), close: async () => {} };
}

/**
 * Counts in the PostgreSQL auth database at `url`, over a pool of `poolSize` connections (a
 * count is one short statement). While the database does not answer, each gateway falls back to
 * counting in its own memory (rate-limiter-flexible's insurance limiter) rather than refusing or
 * letting everything through.
 */
export function postgresRateLimitStore(url: string, poolSize = 2): RateLimitStore {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 2000, types: serviceTypes, application_name: "ops-gateway-limits" });
  // An idle connection that drops (database restart) must not crash the gateway.
  pool.on("error", () => {});
  const limiters: RateLimiterPostgres[] = [];
  return {
    kind: "postgres",
    limiter(options) {
      const limiter = new RateLimiterPostgres({
        ...options,
        storeClient: pool,
        storeType: "pool",
        tableName: TABLE,
        tableCreated: true,
        insuranceLimiter: new RateLimiterMemory(options),
      });
      limiters.push(limiter);
      return limiter;
    },
    async close() {
      for (const limiter of limiters) clearTimeout((limiter as unknown as { _clearExpiredTimeoutId?: NodeJS.Timeout })._clearExpiredTimeoutId);
      await pool.end();
    },
  };
}

/** The store for the auth database `target`: its PostgreSQL database, or memory beside SQLite. */
export function rateLimitStoreFor(target: DatabaseTarget): RateLimitStore {
  return target.kind === "postgres" ? postgresRateLimitStore(target.url) : memoryRateLimitStore();
}
