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
  const insertOrder = dbs.order.prepare("INSERT INTO orders (customer_email, customer_name, status, total_amount, currency, created_at, updated_at, batch_id, order_key) VALUES (?, ?, 'pending', ?, 'JPY', ?, ?, 'raw', ?) RETURNING id");
  const insertItem = dbs.order.prepare("INSERT INTO order_items (order_id, product_name, quantity, unit_price) VALUES (?, ?, ?, ?)");
  const insertPayment = dbs.payment.prepare("INSERT INTO payments (order_id, amount, status, payment_method, transaction_id, created_at, updated_at, batch_id) VALUES (?, ?, ?, ?, ?, ?, ?, 'raw')");
  const insertNote = dbs.notification.prepare("INSERT INTO notifications (order_id, channel, template_name, recipient, subject, body, status, sent_at, created_at, batch_id) VALUES (?, 'email', 'ORDER_CONFIRMATION', ?, ?, ?, 'sent', ?, ?, 'raw')");
  const written: { id: number; rows: ParsedRow[]; total: number }[] = [];
  dbs.order.transaction(() => {
    for (const [key, rows] of groups) {
      const total = rows.reduce((s, r) => s + r.quantity * r.unitPrice, 0);
      const { id } = insertOrder.get(rows[0]!.customerEmail, rows[0]!.customerName, total, now, now, key) as { id: number };
      for (const r of rows) insertItem.run(id, r.productName, r.quantity, r.unitPrice);
      written.push({ id, rows, total });
    }
  })();
  dbs.payment.transaction(() => {
    for (const o of written) {
      const first = o.rows[0]!;
      if (first.paymentMethod) insertPayment.run(o.id, o.total, first.paymentStatus, first.paymentMethod, crypto.randomUUID(), now, now);
    }
  })();
  dbs.notification.transaction(() => {
    for (const o of written) {
      const first = o.rows[0]!;
      const body = template({ customer_name: first.customerName, order_id: o.id, total_amount: o.total, items: o.rows.map((r) => ({ product_name: r.productName, quantity: r.quantity })) });
      insertNote.run(o.id, first.customerEmail, `ご注文確認 — 注文番号 #${o.id}`, body, now, now);
    }
  })();
  const seconds = (performance.now() - started) / 1000;
  for (const db of Object.values(dbs)) db.close();
  void path;
  return seconds;
}
