/**
 * The session revocations every process (each gateway, each subgraph) keeps in memory: loaded at
 * start and refreshed by polling the auth database for the rows past the last id seen (every
 * REVOCATION_POLL_MS, 250 ms), so a sign-out or password change on one gateway is refused
 * everywhere within a poll. Fail closed: when the list could not be refreshed for
 * `staleAfterMs`, user tokens are refused with SERVICE_UNAVAILABLE and `/ready` says why.
 */
import { AppError, UnauthenticatedError } from "../errors.js";
import { readTimestamp } from "../data/dialectHelpers.js";
import type { AuthDb } from "./authDatabase.js";

/** What a user token says about itself, as far as revocation goes. */
export interface TokenSession {
  /** The user name (`sub`). */
  name: string;
  jti: string | undefined;
  /** The user's token generation when it was issued (`gen`; 0 for tokens without one). */
  generation: number;
}

export interface RevocationList {
  /** Settles after the first load was tried (loaded or not): wait for it before serving. */
  readonly loaded: Promise<void>;
  /** Throws UNAUTHENTICATED for a revoked token, SERVICE_UNAVAILABLE while the list is stale. */
  check(session: TokenSession): void;
  /** True when the list (as last read, stale or not) names `session`. */
  isRevoked(session: TokenSession): boolean;
  /** Why the list cannot be trusted right now, or null (for `/ready`). */
  problem(): string | null;
  /** Reads new rows now (the poll does it on its own). */
  refresh(): Promise<void>;
  /** Stops polling; closes the database when the list opened it. */
  close(): Promise<void>;
}

export interface RevocationListOptions {
  /** Between two reads (REVOCATION_POLL_MS, default 250). */
  pollMs?: number;
  /** Without a successful read for this long, user tokens are refused (default 5000). */
  staleAfterMs?: number;
  /** Close `database` with the list (it was opened for it). */
  ownsDatabase?: boolean;
  /** Told once when reading starts failing and once when it works again. */
  onStateChange?: (problem: string | null) => void;
}

// Rows per read: a restart after a burst of sign-outs reads them in a few statements.
const BATCH = 2000;

/** Starts polling `database` (the auth database) and returns the list. */
export function startRevocationList(database: AuthDb | Promise<AuthDb>, options: RevocationListOptions = {}): RevocationList {
  const pollMs = options.pollMs ?? 250;
  const staleAfterMs = options.staleAfterMs ?? 5000;
  const sessions = new Map<string, number>(); // jti → expires at (ms)
  const users = new Map<string, { below: number; expiresAt: number }>();
  let last = 0;
  let refreshedAt = 0;
  let failure: string | null = null;
  let reported: string | null = null;
  let inFlight: Promise<void> | null = null;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let prunedAt = Date.now();
  const db = Promise.resolve(database);

  const pruneMemory = (now: number) => {
    for (const [jti, expiresAt] of sessions) if (expiresAt < now) sessions.delete(jti);
    for (const [name, entry] of users) if (entry.expiresAt < now) users.delete(name);
    prunedAt = now;
  };

  const read = async () => {
    const started = Date.now();
    const { db: kysely } = await db;
    for (;;) {
      const rows = await kysely
        .selectFrom("session_revocations")
        .select(["id", "username", "jti", "below_generation", "expires_at"])
        .where("id", ">", last)
        .orderBy("id")
        .limit(BATCH)
        .execute();
      for (const row of rows) {
        last = Number(row.id);
        const expiresAt = readTimestamp(row.expires_at).getTime();
        if (expiresAt < started) continue;
        if (row.jti) sessions.set(row.jti, expiresAt);
        if (row.below_generation !== null) {
          const below = Number(row.below_generation);
          const known = users.get(row.username);
          users.set(row.username, { below: Math.max(below, known?.below ?? 0), expiresAt: Math.max(expiresAt, known?.expiresAt ?? 0) });
        }
      }
      if (rows.length < BATCH) break;
    }
    // As of when the read began: a row committed during it is read next time.
    refreshedAt = started;
    failure = null;
    if (started - prunedAt > 60_000) pruneMemory(started);
  };

  const refresh = (): Promise<void> => {
    inFlight ??= read()
      .catch((err: unknown) => {
        failure = err instanceof Error ? err.message : String(err);
        throw err;
      })
      .finally(() => {
        inFlight = null;
        const now = problem();
        if (now !== reported && (now === null || reported === null)) options.onStateChange?.(now);
        reported = now;
      });
    return inFlight;
  };

  const problem = (): string | null => {
    const age = Date.now() - refreshedAt;
    if (age <= staleAfterMs) return null;
    const why = failure ? `: ${failure}` : "";
    return refreshedAt === 0
      ? `session revocations not loaded from the auth database yet${why}`
      : `session revocations not refreshed from the auth database for ${Math.round(age / 1000)} s${why}`;
  };

  const poll = () => {
    if (closed) return;
    timer = setTimeout(() => void refresh().catch(() => undefined).finally(poll), pollMs);
    timer.unref();
  };
  const loaded = refresh().catch(() => undefined);
  void loaded.then(poll);

  const signedOut = (session: TokenSession) => session.jti !== undefined && sessions.has(session.jti);
  const outdated = (session: TokenSession) => session.generation < (users.get(session.name)?.below ?? 0);

  return {
    loaded,
    check(session) {
      if (problem()) {
        throw new AppError("SERVICE_UNAVAILABLE", "Signed-in sessions cannot be checked right now (the auth database does not answer): try again in a moment.", {
          params: { service: "auth" },
        });
      }
      if (signedOut(session)) throw new UnauthenticatedError("This session was signed out: sign in again.");
      if (outdated(session)) throw new UnauthenticatedError("Your password was changed or your account removed since this session began: sign in again.");
    },
    isRevoked: (session) => signedOut(session) || outdated(session),
    problem,
    refresh,
    async close() {
      closed = true;
      clearTimeout(timer);
      await inFlight?.catch(() => undefined);
      if (options.ownsDatabase) await (await db).close();
    },
  };
}
