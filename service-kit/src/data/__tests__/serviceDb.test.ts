import { sql, type Insertable } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../../testing/freshDatabase.js";
import { databaseError, serviceErrorFor } from "../databaseError.js";
import { readBoolean, readTimestamp } from "../dialectHelpers.js";
import { openDatabase, type QueryEvent, type ServiceDb } from "../openDatabase.js";
import type { DatabaseTarget } from "../databaseTarget.js";
import { DIALECTS, createTestTables, emptyDatabase, type TestDb } from "./testDatabases.js";

const files = tempDir("ops-kit-");
afterAll(() => files.cleanup());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(DIALECTS)("ServiceDb on %s", (dialect) => {
  let target: DatabaseTarget;
  let sdb: ServiceDb<TestDb>;
  const statements: QueryEvent[] = [];

  beforeAll(async () => {
    target = await emptyDatabase(dialect, files.dir);
    sdb = await openDatabase<TestDb>(target, { onQuery: (e) => statements.push(e) });
    await createTestTables(sdb.db, dialect);
    await sdb.db.insertInto("parent").values({ id: 1, name: "p" }).execute();
    await sdb.db.insertInto("counter").values({ id: 1, n: 0 }).execute();
    const at = (iso: string) => new Date(iso);
    await sdb.db
      .insertInto("item")
      .values([
        { id: 1, sku: "a", amount: 100, created_at: at("2026-11-25T14:59:59.999Z"), paid: true, parent_id: 1, note: null },
        { id: 2, sku: "b", amount: 200, created_at: at("2026-11-25T15:00:00.000Z"), paid: false, parent_id: null, note: "x" },
        { id: 3, sku: "c", amount: 300, created_at: at("2026-11-26T03:00:00.000Z"), paid: false, parent_id: 1, note: null },
      ])
      .execute();
    // Explicit ids do not advance PostgreSQL's sequence: the services' seeds must do this too.
    if (dialect === "postgres") await sql`SELECT setval(pg_get_serial_sequence('item', 'id'), (SELECT max(id) FROM item))`.execute(sdb.db);
  });
  afterAll(() => sdb?.close());

  it("reports its dialect", () => {
    expect(sdb.dialect).toBe(dialect);
  });

  it("inIds: one statement and one parameter, whatever the list's length", async () => {
    const { inIds } = sdb.helpers;
    statements.length = 0;
    const rows = await sdb.db.selectFrom("item").select("sku").where(inIds("id", [3, 1, 99])).orderBy("id").execute();
    expect(rows.map((r) => r.sku)).toEqual(["a", "c"]);
    expect(statements).toHaveLength(1);
    expect(statements[0]!.params).toHaveLength(1);
    // 40,000 ids: beyond SQLite's and PostgreSQL's limits on bound parameters (32,766 / 65,535 if one each).
    const many = Array.from({ length: 40_000 }, (_, i) => i + 2);
    const more = await sdb.db.selectFrom("item").select("id").where(inIds("item.id", many)).orderBy("id").execute();
    expect(more.map((r) => Number(r.id))).toEqual([2, 3]);
    expect(await sdb.db.selectFrom("item").select("id").where(inIds("id", [])).execute()).toEqual([]);
    const texts = await sdb.db.selectFrom("item").select("id").where(sdb.helpers.inTexts("sku", ["b", "zz"])).execute();
    expect(texts.map((r) => Number(r.id))).toEqual([2]);
  });

  it("japanDay: the Japan calendar day of a UTC timestamp", async () => {
    const rows = await sdb.db
      .selectFrom("item")
      .select((eb) => [eb.ref("id").as("id"), sdb.helpers.japanDay("created_at").as("day")])
      .orderBy("id")
      .execute();
    expect(rows.map((r) => r.day)).toEqual(["2026-11-25", "2026-11-26", "2026-11-26"]);
    const grouped = await sdb.db
      .selectFrom("item")
      .select([sdb.helpers.japanDay("created_at").as("day"), sql<number>`count(*)`.as("n")])
      .groupBy(sdb.helpers.japanDay("created_at"))
      .orderBy("day")
      .execute();
    expect(grouped).toEqual([
      { day: "2026-11-25", n: 1 },
      { day: "2026-11-26", n: 2 },
    ]);
  });

  it("timestamps: Dates in and out in UTC, comparable in SQL", async () => {
    const row = await sdb.db.selectFrom("item").select("created_at").where("id", "=", 2).executeTakeFirstOrThrow();
    expect(readTimestamp(row.created_at).toISOString()).toBe("2026-11-25T15:00:00.000Z");
    const since = await sdb.db
      .selectFrom("item")
      .select("id")
      .where("created_at", ">=", sdb.helpers.timestamp(new Date("2026-11-25T15:00:00.000Z")))
      .orderBy("id")
      .execute();
    expect(since.map((r) => Number(r.id))).toEqual([2, 3]);
    // A plain Date parameter means the same instant as the helper.
    const plain = await sdb.db.selectFrom("item").select("id").where("created_at", "<", new Date("2026-11-25T15:00:00.000Z")).execute();
    expect(plain.map((r) => Number(r.id))).toEqual([1]);
    const { now } = await sdb.db.selectNoFrom(sdb.helpers.now().as("now")).executeTakeFirstOrThrow();
    expect(Math.abs(readTimestamp(now).getTime() - Date.now())).toBeLessThan(5000);
  });

  it("timestamps stay UTC when the process runs in Asia/Tokyo", async () => {
    const before = process.env.TZ;
    process.env.TZ = "Asia/Tokyo";
    try {
      expect(new Date("2026-11-25T00:00:00Z").getHours()).toBe(9); // the zone really changed
      const instant = new Date("2026-12-31T20:30:00.123Z");
      await sdb.db.insertInto("item").values({ id: 10, sku: "tz", amount: 1, created_at: instant, paid: false, parent_id: null, note: null }).execute();
      const row = await sdb.db.selectFrom("item").select(["created_at", sdb.helpers.japanDay("created_at").as("day")]).where("id", "=", 10).executeTakeFirstOrThrow();
      expect(readTimestamp(row.created_at).toISOString()).toBe(instant.toISOString());
      expect(row.day).toBe("2027-01-01");
      // What the database holds is the UTC wall time, as Prisma writes it.
      const text = await sql<{ t: string }>`SELECT ${sql.raw(dialect === "postgres" ? "to_char(created_at, 'YYYY-MM-DD HH24:MI:SS.MS')" : "created_at")} AS t FROM item WHERE id = 10`.execute(sdb.db);
      expect(text.rows[0]!.t).toMatch(/^2026-12-31[ T]20:30:00\.123/);
    } finally {
      process.env.TZ = before ?? "";
      if (before === undefined) delete process.env.TZ;
      await sdb.db.deleteFrom("item").where("id", "=", 10).execute();
    }
  });

  it("booleans and numbers read the same on both databases", async () => {
    const rows = await sdb.db.selectFrom("item").select(["id", "paid"]).where("paid", "=", sdb.helpers.bool(true)).execute();
    expect(rows.map((r) => [Number(r.id), readBoolean(r.paid)])).toEqual([[1, true]]);
    const plain = await sdb.db.selectFrom("item").select("id").where("paid", "=", false).orderBy("id").execute();
    expect(plain.map((r) => Number(r.id))).toEqual([2, 3]);
    const counts = await sdb.db
      .selectFrom("item")
      .select([sql<number>`count(*)`.as("n"), sql<number>`sum(amount)`.as("total"), sql<number>`max(id)`.as("top"), sql<number>`9007199254740993`.as("huge")])
      .executeTakeFirstOrThrow();
    expect(counts.n).toBe(3);
    expect(counts.total).toBe(600);
    expect(counts.top).toBe(3);
    // Beyond 2^53 PostgreSQL's int8 comes back exact as a bigint, never rounded.
    if (dialect === "postgres") expect(counts.huge).toBe(9007199254740993n);
  });

  it("maps constraint errors to the same kinds and codes, and changes nothing", async () => {
    type ItemInsert = Insertable<TestDb["item"]>;
    const insert = (values: Partial<ItemInsert>) =>
      sdb.db
        .insertInto("item")
        .values({ sku: "new", amount: 5, created_at: new Date(), paid: false, parent_id: null, note: null, ...values } as ItemInsert)
        .execute();
    const failure = async (values: Partial<ItemInsert>) => {
      const err = await insert(values).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeDefined();
      return err;
    };
    const fields = { sku: "input.sku", item_amount_positive: "input.amount", amount: "input.amount" };

    const unique = await failure({ sku: "a" });
    expect(databaseError(unique)).toMatchObject({ kind: "unique", column: "sku" });
    expect(serviceErrorFor(unique, { fields, what: "item" })?.extensions).toMatchObject({ code: "CONFLICT", field: "input.sku" });

    const check = await failure({ amount: 0 });
    expect(databaseError(check)).toMatchObject({ kind: "check", constraint: "item_amount_positive" });
    expect(serviceErrorFor(check, { fields })?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.amount", params: { constraint: "item_amount_positive" } });

    const notNull = await failure({ amount: null as never });
    expect(databaseError(notNull)).toMatchObject({ kind: "notNull", column: "amount" });
    expect(serviceErrorFor(notNull, { fields })?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.amount" });

    const foreignKey = await failure({ parent_id: 999 });
    expect(databaseError(foreignKey)).toMatchObject({ kind: "foreignKey" });
    expect(serviceErrorFor(foreignKey)?.extensions).toMatchObject({ code: "CONFLICT" });

    expect(databaseError(new Error("something else"))).toBeNull();
    expect(serviceErrorFor(new Error("something else"))).toBeNull();
    const { n } = await sdb.db.selectFrom("item").select(sql<number>`count(*)`.as("n")).executeTakeFirstOrThrow();
    expect(n).toBe(3);
  });

  it("rolls a failed transaction back and releases its connection", async () => {
    for (let i = 0; i < 12; i++) {
      await expect(
        sdb.transaction(async (trx) => {
          await trx.updateTable("counter").set({ n: 100 }).where("id", "=", 1).execute();
          await trx.insertInto("item").values({ sku: "a", amount: 1, created_at: new Date(), paid: false, parent_id: null, note: null }).execute();
        }),
      ).rejects.toMatchObject({});
    }
    const row = await sdb.transaction(async (trx) => trx.selectFrom("counter").select("n").executeTakeFirstOrThrow());
    expect(row.n).toBe(0);
  });

  it("read-only transactions refuse writes", async () => {
    await expect(sdb.transaction((trx) => trx.updateTable("counter").set({ n: 5 }).execute(), { write: false })).rejects.toThrow();
    const seen = await sdb.transaction((trx) => trx.selectFrom("counter").select("n").executeTakeFirstOrThrow(), { write: false });
    expect(seen.n).toBe(0);
  });

  it("reads outside a transaction are not blocked by an open write transaction", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const writing = sdb.transaction(async (trx) => {
      await trx.updateTable("counter").set({ n: 1 }).where("id", "=", 1).execute();
      await gate;
      await trx.updateTable("counter").set({ n: 0 }).where("id", "=", 1).execute();
    });
    await sleep(20);
    const seen = await Promise.race([sdb.db.selectFrom("counter").select("n").executeTakeFirstOrThrow(), sleep(2000).then(() => "blocked")]);
    expect(seen).toEqual({ n: 0 }); // the last commit, not the open transaction's write
    release();
    await writing;
  });

  it("two writers at once: both transactions take effect, the conflict is retried", async () => {
    // A second ServiceDb is a second process's connection(s) to the same database.
    const other = await openDatabase<TestDb>(target);
    try {
      let ticks = 0;
      const timer = setInterval(() => ticks++, 5);
      let runs = 0;
      const increment = (db: ServiceDb<TestDb>) =>
        db.transaction(
          async (trx) => {
            runs++;
            const { n } = await trx.selectFrom("counter").select("n").where("id", "=", 1).executeTakeFirstOrThrow();
            await sleep(60); // both read before either writes
            await trx.updateTable("counter").set({ n: n + 1 }).where("id", "=", 1).execute();
          },
          { isolation: "serializable" },
        );
      await Promise.all([increment(sdb), increment(other)]);
      clearInterval(timer);
      const { n } = await sdb.db.selectFrom("counter").select("n").where("id", "=", 1).executeTakeFirstOrThrow();
      expect(n).toBe(2); // no lost update
      // PostgreSQL lets both start and refuses one at commit (re-run); SQLite makes the second wait.
      if (dialect === "postgres") expect(runs).toBe(3);
      // The waiting writer yielded: timers kept running on this event loop.
      // A blocked loop would tick at most once; a loaded machine may tick only a few times.
      expect(ticks).toBeGreaterThan(2);
      await sdb.db.updateTable("counter").set({ n: 0 }).execute();
    } finally {
      await other.close();
    }
  });
  it.runIf(dialect === "postgres")("prepares a parameterised statement once per connection, by name; statements without parameters stay unnamed", async () => {
    const one = await openDatabase<TestDb>(target, { poolSize: 1 });
    try {
      const read = (sku: string) => one.db.selectFrom("item").select("amount").where("sku", "=", sku).executeTakeFirst();
      expect(await read("a")).toEqual({ amount: 100 });
      expect(await read("b")).toEqual({ amount: 200 }); // the same text, another value: bound to the prepared statement
      await sql`SELECT 1`.execute(one.db);
      // The pool's one connection, so this reads that session's statements.
      const { rows } = await sql<{ statement: string }>`SELECT statement FROM pg_prepared_statements WHERE name LIKE ${"ops\_%"}`.execute(one.db);
      const texts = rows.map((r) => r.statement);
      expect(texts.filter((t) => t.includes('from "item"'))).toHaveLength(1);
      expect(texts.some((t) => t.trim() === "SELECT 1")).toBe(false);
      // A failed statement leaves the connection usable and the name prepared for the next call.
      await expect(one.db.selectFrom("item").select(sql`1 / ${0}`.as("x")).where("sku", "=", "a").execute()).rejects.toThrow(/division by zero/);
      expect(await read("c")).toEqual({ amount: 300 });
    } finally {
      await one.close();
    }
  });
});
