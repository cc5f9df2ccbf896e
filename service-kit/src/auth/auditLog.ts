/**
 * The audit trail of one service: every mutation, who made it, on which object, when, and with
 * what outcome, in the service that owns the object (table `audit_log`, same migration in each
 * service). Written on its own connection after the mutation, so failed attempts are kept too.
 */
import Database from "better-sqlite3";
import type { Kysely, Transaction } from "kysely";
import { BUSY_TIMEOUT_MS } from "../db.js";
import { decodeCursor, encodeCursor, pageSize } from "../pagination.js";
import type { Logger } from "../logger.js";
import { sqlDate } from "../sqliteReader.js";
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

interface AuditInsert {
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

export class AuditLog {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement;

  constructor(
    dbPath: string,
    readonly service: string,
    private readonly logger: Logger,
  ) {
    this.db = new Database(dbPath, { timeout: BUSY_TIMEOUT_MS });
    this.insert = this.db.prepare(
      `INSERT INTO audit_log (at, actor, actor_kind, actor_role, action, object_type, object_id, outcome, error_code, detail)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  /** Never throws: losing an audit line is logged loudly, but does not undo a committed change. */
  record(r: AuditRecord): void {
    try {
      const row = auditRow(r);
      this.insert.run(row.at, row.actor, row.actor_kind, row.actor_role, row.action, row.object_type, row.object_id, row.outcome, row.error_code, row.detail);
    } catch (err) {
      this.logger.error("audit entry not written", { action: r.action, error: err instanceof Error ? err.message : String(err) });
    }
  }

  list(args: { first?: number | null; after?: string | null; filter?: AuditFilter | null }) {
    const where: string[] = [];
    const params: (string | number)[] = [];
    const f = args.filter ?? {};
    const eq = (column: string, value: string | null | undefined) => {
      if (value) {
        where.push(`${column} = ?`);
        params.push(value);
      }
    };
    eq("actor", f.actor);
    eq("action", f.action);
    eq("object_type", f.objectType);
    eq("object_id", f.objectId);
    eq("outcome", f.outcome?.toLowerCase());
    if (f.from) {
      where.push("at >= ?");
      params.push(sqlDate(f.from));
    }
    if (f.to) {
      where.push("at < ?");
      params.push(sqlDate(f.to));
    }
    const filterSql = where.length ? `WHERE ${where.join(" AND ")}` : "";
    const totalCount = (this.db.prepare(`SELECT COUNT(*) AS n FROM audit_log ${filterSql}`).get(...params) as { n: number }).n;
    const first = pageSize(args.first, 500, 50);
    const pageWhere = [...where];
    const pageParams = [...params];
    if (args.after) {
      pageWhere.push("id < ?");
      pageParams.push(decodeCursor(args.after).id);
    }
    const rows = this.db
      .prepare(`SELECT * FROM audit_log ${pageWhere.length ? `WHERE ${pageWhere.join(" AND ")}` : ""} ORDER BY id DESC LIMIT ?`)
      .all(...pageParams, first + 1) as AuditRow[];
    const page = rows.slice(0, first);
    const last = page[page.length - 1];
    return {
      totalCount,
      edges: page.map((r) => ({
        cursor: encodeCursor(r.id, r.id),
        node: {
          id: String(r.id),
          at: new Date(r.at),
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
      pageInfo: { hasNextPage: rows.length > first, endCursor: last ? encodeCursor(last.id, last.id) : null },
    };
  }

  close(): void {
    this.db.close();
  }
}
