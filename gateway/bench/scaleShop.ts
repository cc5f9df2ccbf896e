/**
 * A shop at scale for `npm run test:scale` and `npm run bench:scale`: `orders` orders over the
 * past 90 Japan days, with items, status history, payments (attempts, refunds) and notifications,
 * consistent across the three databases, written straight into migrated databases through bulk
 * statements (what the import's chunk writers do, without the CSV and the HTTP in front: a million
 * orders take tens of seconds instead of minutes).
 *
 * The last `batchOrders` orders form one imported batch (a COMPLETED import, a payment batch),
 * so a batch page and a batch undo can be measured on them.
 */
import crypto from "node:crypto";
import Database from "better-sqlite3";
import { nameKey } from "@ops/order/nameKey";
import { rng } from "../scripts/demoShop.js";

export interface ScaleShopOptions {
  orders: number;
  /** The newest orders form one imported batch of this many orders. */
  batchOrders: number;
  /** Where each service's database lives (already migrated). */
  dbPaths: { order: string; payment: string; notification: string };
  onProgress?: (done: number, total: number) => void;
}

export interface ScaleShop {
  orders: number;
  batchId: string;
  importId: number;
  /** Orders per status, as written. */
  byStatus: Record<string, number>;
  payments: number;
  notifications: number;
}

const FAMILY = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田", "山田", "佐々木", "山口", "松本", "井上"];
const GIVEN = ["太郎", "花子", "一郎", "さくら", "翔太", "陽菜", "大輝", "美咲"];
const PRODUCTS: [string, number][] = [
  ["静岡県産 深蒸し煎茶 100g", 1280], ["宇治抹茶 30g", 2160], ["有田焼 湯呑み", 3300], ["南部鉄器 急須", 8800],
  ["今治タオル フェイスタオル", 1650], ["信楽焼 マグカップ", 2420], ["北海道産 昆布 200g", 980], ["讃岐うどん 6食入り", 1500],
];
const TEMPLATE_OF: Record<string, string[]> = {
  confirmed: ["ORDER_CONFIRMATION"],
  shipped: ["ORDER_CONFIRMATION", "ORDER_SHIPPED"],
  delivered: ["ORDER_CONFIRMATION", "ORDER_SHIPPED"],
  cancelled: ["ORDER_CONFIRMATION", "ORDER_CANCELLED"],
  pending: [],
};
const CHUNK = 20_000;
const DAY_MS = 86_400_000;

const iso = (ms: number) => new Date(ms).toISOString().replace("Z", "+00:00");

function open(path: string): Database.Database {
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = OFF");
  db.pragma("cache_size = -65536");
  // Rows go in by table in batches (an order's items may precede it): the references hold by construction.
  db.pragma("foreign_keys = OFF");
  return db;
}

/**
 * Drops the indexes of `tables` (the migrations' own, read back from the schema) and returns a
 * function that creates them again: building an index once over a million rows is several
 * times faster than keeping it current row by row. Triggers stay, so figures are kept as live.
 */
function withoutIndexes(db: Database.Database, tables: string[]): () => void {
  const indexes = db
    .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (SELECT value FROM json_each(?))`)
    .all(JSON.stringify(tables)) as { name: string; sql: string }[];
  for (const i of indexes) db.exec(`DROP INDEX "${i.name}"`);
  return () => {
    for (const i of indexes) db.exec(i.sql);
  };
}

/**
 * Rows for one table, written ROWS_PER_INSERT per statement: SQLite does a statement's fixed work
 * (the figure and name-search triggers' statement journal above all) once per statement.
 */
function buffered(db: Database.Database, insert: string, tuple: string) {
  const many = db.prepare(`${insert} VALUES ${Array(ROWS_PER_INSERT).fill(tuple).join(", ")}`);
  const one = db.prepare(`${insert} VALUES ${tuple}`);
  let rows: unknown[][] = [];
  return {
    add(...values: unknown[]) {
      rows.push(values);
      if (rows.length === ROWS_PER_INSERT) {
        many.run(...rows.flat());
        rows = [];
      }
    },
    flush() {
      for (const r of rows) one.run(...r);
      rows = [];
    },
  };
}
const ROWS_PER_INSERT = 200;

/** Writes the shop; the databases must be migrated and hold no orders yet. */
export function buildScaleShop(options: ScaleShopOptions): ScaleShop {
  const random = rng(20261207);
  const order = open(options.dbPaths.order);
  const payment = open(options.dbPaths.payment);
  const notification = open(options.dbPaths.notification);
  const batchId = crypto.randomUUID();
  const now = Date.now();
  const firstBatchOrder = options.orders - options.batchOrders + 1;

  const insertOrder = buffered(order, "INSERT INTO orders (id, customer_email, customer_name, status, total_amount, currency, created_at, updated_at, customer_name_key, cancel_reason, batch_id, csv_source, import_row_number, order_key)", "(?, ?, ?, ?, ?, 'JPY', ?, ?, ?, ?, ?, ?, ?, ?)");
  const insertItem = buffered(order, "INSERT INTO order_items (order_id, product_name, quantity, unit_price)", "(?, ?, ?, ?)");
  const insertChange = buffered(order, "INSERT INTO order_status_changes (order_id, from_status, to_status, reason, created_at)", "(?, ?, ?, ?, ?)");
  const insertPayment = buffered(payment, "INSERT INTO payments (id, order_id, amount, currency, status, payment_method, transaction_id, created_at, updated_at, batch_id)", "(?, ?, ?, 'JPY', ?, ?, ?, ?, ?, ?)");
  const insertAttempt = buffered(payment, "INSERT INTO payment_attempts (payment_id, transaction_id, status, created_at)", "(?, ?, ?, ?)");
  const insertRefund = buffered(payment, "INSERT INTO refunds (payment_id, amount, reason, created_at)", "(?, ?, ?, ?)");
  const insertNotification = buffered(notification, "INSERT INTO notifications (order_id, channel, template_name, recipient, subject, body, status, sent_at, created_at, attempt_count, batch_id)", "(?, 'email', ?, ?, ?, ?, 'sent', ?, ?, 1, ?)");
  const writers = [insertOrder, insertItem, insertChange, insertPayment, insertAttempt, insertRefund, insertNotification];

  const byStatus: Record<string, number> = { pending: 0, confirmed: 0, shipped: 0, delivered: 0, cancelled: 0 };
  let payments = 0;
  let notifications = 0;
  let batchTotal = 0;
  let batchPayments = 0;
  const methods = ["credit_card", "konbini", "bank_transfer", "paypay"];

  const writeChunk = (from: number, to: number) => {
    order.exec("BEGIN");
    payment.exec("BEGIN");
    notification.exec("BEGIN");
    for (let id = from; id <= to; id++) {
      const inBatch = id >= firstBatchOrder;
      // Spread over the past 90 days, older orders first (ids grow with time, as they do live).
      const created = now - 90 * DAY_MS + Math.floor(((id - 1) / options.orders) * 90 * DAY_MS) - Math.floor(random() * 60_000);
      const f = Math.floor(random() * FAMILY.length);
      const name = `${FAMILY[f]} ${GIVEN[Math.floor(random() * GIVEN.length)]}`;
      const email = `customer${id}@example.jp`;
      const roll = random();
      // Recent orders are more often still open; older ones mostly delivered.
      const status = inBatch ? (roll < 0.2 ? "pending" : "confirmed") : roll < 0.1 ? "pending" : roll < 0.3 ? "confirmed" : roll < 0.5 ? "shipped" : roll < 0.93 ? "delivered" : "cancelled";
      byStatus[status]! += 1;
      const itemCount = 1 + Math.floor(random() * 3);
      let total = 0;
      const items: [string, number, number][] = [];
      for (let i = 0; i < itemCount; i++) {
        const [product, price] = PRODUCTS[Math.floor(random() * PRODUCTS.length)]!;
        const quantity = 1 + Math.floor(random() * 3);
        items.push([product, quantity, price]);
        total += quantity * price;
      }
      const updated = status === "pending" ? created : created + 3_600_000;
      insertOrder.add(
        id, email, name, status, total, iso(created), iso(updated), nameKey(name),
        status === "cancelled" ? "お客様のご都合によるキャンセル" : null,
        inBatch ? batchId : null, inBatch ? "scale.csv" : null, inBatch ? id - firstBatchOrder + 2 : null, inBatch ? `S-${id}` : null,
      );
      for (const [product, quantity, price] of items) insertItem.add(id, product, quantity, price);
      if (inBatch) batchTotal += total;
      if (status === "pending") continue;
      // Every order past PENDING was paid: payment, attempt, confirmation and its history.
      const paid = created + 600_000;
      const tx = crypto.randomUUID();
      const paymentStatus = status === "cancelled" ? "refunded" : "completed";
      insertPayment.add(id, id, total, paymentStatus, methods[id % methods.length], tx, iso(created), iso(updated), inBatch ? batchId : null);
      insertAttempt.add(id, tx, "completed", iso(paid));
      payments += 1;
      if (inBatch) batchPayments += 1;
      insertChange.add(id, "pending", "confirmed", `payment ${id} completed`, iso(paid));
      if (status === "shipped" || status === "delivered") insertChange.add(id, "confirmed", "shipped", null, iso(updated));
      if (status === "delivered") insertChange.add(id, "shipped", "delivered", null, iso(updated));
      if (status === "cancelled") {
        insertChange.add(id, "confirmed", "cancelled", "お客様のご都合によるキャンセル", iso(updated));
        insertRefund.add(id, total, "お客様のご都合によるキャンセル", iso(updated));
      }
      for (const template of TEMPLATE_OF[status]!) {
        insertNotification.add(id, template, email, `【ご注文】${template}`, `${name} 様 ご注文 #${id}`, iso(updated), iso(updated), inBatch ? batchId : null);
        notifications += 1;
      }
    }
    for (const w of writers) w.flush();
    order.exec("COMMIT");
    payment.exec("COMMIT");
    notification.exec("COMMIT");
  };

  // Unique indexes go too: the ids and keys written here are unique by construction.
  const restore = [
    withoutIndexes(order, ["orders", "order_items", "order_status_changes"]),
    withoutIndexes(payment, ["payments", "payment_attempts", "refunds"]),
    withoutIndexes(notification, ["notifications"]),
  ];
  for (let from = 1; from <= options.orders; from += CHUNK) {
    writeChunk(from, Math.min(options.orders, from + CHUNK - 1));
    options.onProgress?.(Math.min(options.orders, from + CHUNK - 1), options.orders);
  }

  for (const rebuild of restore) rebuild();
  const stamp = iso(now - DAY_MS);
  const imported = order
    .prepare(
      `INSERT INTO import_history (batch_id, filename, checksum, file_size, encoding, total_rows, success_count, failure_count, orders_created, valid_orders, bytes_read, rows_done, status, options, upload_path, actor, created_at, started_at, finished_at, updated_at)
       VALUES (?, 'scale.csv', ?, 0, 'utf-8', ?, ?, 0, ?, ?, 0, ?, 'completed', ?, '', 'scale', ?, ?, ?, ?)`,
    )
    .run(batchId, crypto.randomBytes(32).toString("hex"), options.batchOrders, options.batchOrders, options.batchOrders, options.batchOrders, options.batchOrders,
      JSON.stringify({ dryRun: false, atomic: false, sendConfirmations: "EACH", createPayments: true, force: false }), stamp, stamp, stamp, stamp);
  payment.prepare("INSERT INTO payment_batches (batch_id, order_count, total_amount, status, created_at, updated_at) VALUES (?, ?, ?, 'closed', ?, ?)").run(batchId, batchPayments, batchTotal, stamp, stamp);
  for (const db of [order, payment, notification]) {
    db.exec("ANALYZE");
    db.close();
  }
  return { orders: options.orders, batchId, importId: Number(imported.lastInsertRowid), byStatus, payments, notifications };
}
