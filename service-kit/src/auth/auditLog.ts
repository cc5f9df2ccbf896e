/**
 * The audit trail of one service: every mutation, who made it, on which object, when, and with
 * what outcome, in the service that owns the object (table `audit_log`, same migration in each
 * service). Written after the mutation, outside its transaction, so failed attempts are kept too.
 */
import type { Kysely, Transaction } from "kysely";
import { readTimestamp } from "../data/dialectHelpers.js";
import type { ServiceDb } from "../data/openDatabase.js";
import { decodeCursor, encodeCursor, pageSize } from "../pagination.js";
import type { Logger } from "../logger.js";
import { sqlDate } from "../sqliteBasics.js";
import type { Identity } from "./roles.js";

export interface AuditRecord {
  at: Date;
  identity: Identity | null;
  action: string;
  objectType: string;
  objectId: string | null;
  outcome: "SUCCESS" | "FAILURE";
  errorCode: string | null;
  args: Record<string, unknown>;
}

export interface AuditFilter {
  actor?: string | null;
  action?: string | null;
  objectType?: string | null;
  objectId?: string | null;
  outcome?: "SUCCESS" | "FAILURE" | null;
  from?: Date | null;
  to?: Date | null;
}

interface AuditRow {
  id: number;
  at: string;
  actor: string;
  actor_kind: string;
  actor_role: string | null;
  action: string;
  object_type: string;
  object_id: string | null;
  outcome: string;
  error_code: string | null;
  detail: string | null;
}

// Arguments worth keeping for "what was done", minus anything that looks like a credential.
const SECRET_KEYS = /password|secret|token|apikey/i;
function detail(args: Record<string, unknown>): string {
  const text = JSON.stringify(args, (key, value: unknown) => (SECRET_KEYS.test(key) ? "[redacted]" : value));
  return text.length > 4000 ? `${text.slice(0, 4000)}…` : text;
}

/** The audit table every service's migrations create, as far as the kit writes it. */
export interface AuditTables {
  audit_log: { actor: string; actor_kind: string; action: string; object_type: string; outcome: string };
}

/** A row to write: what is read back, without the id the database assigns. */
type AuditInsert = Omit<AuditRow, "id">;

/** The row `r` becomes (secrets redacted, the detail capped). */
function auditRow(r: AuditRecord): AuditInsert {
  return {
    // Prisma's DateTime text: SQLite compares it as text, PostgreSQL parses it into `timestamp` (UTC).
    at: sqlDate(r.at),
    actor: r.identity?.name ?? "anonymous",
    actor_kind: r.identity?.kind ?? "anonymous",
    actor_role: r.identity?.role ?? null,
    action: r.action,
    object_type: r.objectType,
    object_id: r.objectId,
    outcome: r.outcome.toLowerCase(),
    error_code: r.errorCode,
    detail: detail(r.args),
  };
}

/**
 * Writes one audit entry on `trx` (a service's Kysely transaction or its `db`, SQLite or
 * PostgreSQL). Throws what the database throws: the caller decides whether a lost line matters.
 */
export async function writeAudit<DB extends AuditTables>(trx: Kysely<DB> | Transaction<DB>, entry: AuditRecord): Promise<void> {
  await (trx as unknown as Kysely<{ audit_log: AuditInsert }>).insertInto("audit_log").values(auditRow(entry)).execute();
}

/** An audit row as read from either database (PostgreSQL: `at` a Date, `id` a number). */
type AuditRead = Omit<AuditRow, "at"> & { at: string | Date };

/**
 * A service's audit trail on its database (SQLite or PostgreSQL): `record` after each mutation,
 * `list` for `<service>AuditLog`.
 */
export class AuditLog {
  private readonly database: Promise<ServiceDb<{ audit_log: AuditRead }>>;

  /** `database`: the service's ServiceDb. */
  constructor(
    database: ServiceDb<any>,
    readonly service: string,
    private readonly logger: Logger,
  ) {
    this.database = Promise.resolve(database);
  }

  /** Never rejects: losing an audit line is logged loudly, but does not undo a committed change. */
  async record(r: AuditRecord): Promise<void> {
    try {
      // Outside the mutation's transaction, so a failed (rolled back) attempt is kept too.
      await writeAudit((await this.database).db, r);
    } catch (err) {
      this.logger.error("audit entry not written", { action: r.action, error: err instanceof Error ? err.message : String(err) });
    }
  }

  /** The entries matching `filter`, newest first, with the total count (two statements). */
  async list(args: { first?: number | null; after?: string | null; filter?: AuditFilter | null }) {
    const { db } = await this.database;
    const f = args.filter ?? {};
    let filtered = db.selectFrom("audit_log");
    if (f.actor) filtered = filtered.where("actor", "=", f.actor);
    if (f.action) filtered = filtered.where("action", "=", f.action);
    if (f.objectType) filtered = filtered.where("object_type", "=", f.objectType);
    if (f.objectId) filtered = filtered.where("object_id", "=", f.objectId);
    if (f.outcome) filtered = filtered.where("outcome", "=", f.outcome.toLowerCase());
    // Prisma's DateTime text: compared as text by SQLite, parsed as a UTC timestamp by PostgreSQL.
    if (f.from) filtered = filtered.where("at", ">=", sqlDate(f.from));
    if (f.to) filtered = filtered.where("at", "<", sqlDate(f.to));
    const first = pageSize(args.first, 500, 50);
    const after = args.after ? decodeCursor(args.after).id : null;
    const [count, rows] = await Promise.all([
      filtered.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow(),
      (after === null ? filtered : filtered.where("id", "<", after)).selectAll().orderBy("id", "desc").limit(first + 1).execute(),
    ]);
    const page = rows.slice(0, first);
    const last = page[page.length - 1];
    return {
      totalCount: Number(count.n),
      edges: page.map((r) => ({
        cursor: encodeCursor(Number(r.id), Number(r.id)),
        node: {
          id: String(r.id),
          at: readTimestamp(r.at),
          service: this.service,
          actor: r.actor,
          actorKind: r.actor_kind,
          actorRole: r.actor_role,
          action: r.action,
          objectType: r.object_type,
          objectId: r.object_id,
          outcome: r.outcome.toUpperCase(),
          errorCode: r.error_code,
          detail: r.detail,
        },
      })),
      pageInfo: { hasNextPage: rows.length > first, endCursor: last ? encodeCursor(Number(last.id), Number(last.id)) : null },
    };
  }
}
