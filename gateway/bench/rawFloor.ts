/**
 * The raw floor of an import: the same file through parse → group → insert into three SQLite
 * files → render the notifications, in one process with better-sqlite3 and no service boundaries.
 */
import crypto from "node:crypto";
import path from "node:path";
import Database from "better-sqlite3";
import Handlebars from "handlebars";
import { freshDatabase } from "@ops/service-kit/testing";
import { readCsvFile, type ParsedRow } from "@ops/order/import/csv";

const ROWS_PER_INSERT = 200;

export async function rawFloor(file: string, dir: string): Promise<number> {
  const dbs = {
    order: new Database(await freshDatabase("order", dir)),
    payment: new Database(await freshDatabase("payment", dir)),
    notification: new Database(await freshDatabase("notification", dir)),
  };
  for (const db of Object.values(dbs)) db.pragma("journal_mode = WAL");
  const template = Handlebars.compile("{{customer_name}} 様\n\nご注文ありがとうございます。注文番号 #{{order_id}}\n{{#each items}}{{product_name}} × {{quantity}}\n{{/each}}合計 {{total_amount}} 円", { noEscape: true });
  const started = performance.now();
  const groups = new Map<string, ParsedRow[]>();
  await readCsvFile(file, (r) => {
    if (!r.ok) return;
    const key = r.row.orderRef ?? `#${r.row.rowNumber}`;
    const g = groups.get(key);
    if (g) g.push(r.row);
    else groups.set(key, [r.row]);
  });
  const now = new Date().toISOString();
  // Orders and notifications ROWS_PER_INSERT per statement, as the services write them (the
  // tables' triggers do their fixed work once per statement).
  const orderSql = (n: number) => dbs.order.prepare(`INSERT INTO orders (customer_email, customer_name, status, total_amount, currency, created_at, updated_at, batch_id, order_key) VALUES ${Array(n).fill("(?, ?, 'pending', ?, 'JPY', ?, ?, 'raw', ?)").join(", ")} RETURNING id`);
  const insertOrders = orderSql(ROWS_PER_INSERT);
  const insertOrder = orderSql(1);
  const insertItem = dbs.order.prepare("INSERT INTO order_items (order_id, product_name, quantity, unit_price) VALUES (?, ?, ?, ?)");
  const insertPayment = dbs.payment.prepare("INSERT INTO payments (order_id, amount, status, payment_method, transaction_id, created_at, updated_at, batch_id) VALUES (?, ?, ?, ?, ?, ?, ?, 'raw')");
  const noteSql = (n: number) =>
    dbs.notification.prepare(`INSERT INTO notifications (order_id, channel, template_name, recipient, subject, body, status, sent_at, created_at, batch_id) VALUES ${Array(n).fill("(?, 'email', 'ORDER_CONFIRMATION', ?, ?, ?, 'sent', ?, ?, 'raw')").join(", ")}`);
  const insertNotes = noteSql(ROWS_PER_INSERT);
  const insertNote = noteSql(1);
  const written: { id: number; rows: ParsedRow[]; total: number }[] = [];
  dbs.order.transaction(() => {
    const all = [...groups].map(([key, rows]) => ({ key, rows, total: rows.reduce((s, r) => s + r.quantity * r.unitPrice, 0) }));
    const values = (o: (typeof all)[number]) => [o.rows[0]!.customerEmail, o.rows[0]!.customerName, o.total, now, now, o.key];
    for (let i = 0; i < all.length; i += ROWS_PER_INSERT) {
      const slice = all.slice(i, i + ROWS_PER_INSERT);
      const stmt = slice.length === ROWS_PER_INSERT ? insertOrders : null;
      const ids = stmt ? (stmt.all(...slice.flatMap(values)) as { id: number }[]).map((r) => r.id).sort((a, b) => a - b) : slice.map((o) => (insertOrder.get(...values(o)) as { id: number }).id);
      slice.forEach((o, k) => {
        for (const r of o.rows) insertItem.run(ids[k]!, r.productName, r.quantity, r.unitPrice);
        written.push({ id: ids[k]!, rows: o.rows, total: o.total });
      });
    }
  })();
  dbs.payment.transaction(() => {
    for (const o of written) {
      const first = o.rows[0]!;
      if (first.paymentMethod) insertPayment.run(o.id, o.total, first.paymentStatus, first.paymentMethod, crypto.randomUUID(), now, now);
    }
  })();
  dbs.notification.transaction(() => {
    const values = (o: (typeof written)[number]) => {
      const first = o.rows[0]!;
      const body = template({ customer_name: first.customerName, order_id: o.id, total_amount: o.total, items: o.rows.map((r) => ({ product_name: r.productName, quantity: r.quantity })) });
      return [o.id, first.customerEmail, `ご注文確認 — 注文番号 #${o.id}`, body, now, now];
    };
    for (let i = 0; i < written.length; i += ROWS_PER_INSERT) {
      const slice = written.slice(i, i + ROWS_PER_INSERT);
      if (slice.length === ROWS_PER_INSERT) insertNotes.run(...slice.flatMap(values));
      else for (const o of slice) insertNote.run(...values(o));
    }
  })();
  const seconds = (performance.now() - started) / 1000;
  for (const db of Object.values(dbs)) db.close();
  void path;
  return seconds;
}
