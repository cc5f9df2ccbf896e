/** Generates a realistic import file: Japanese customers, 1–5 items per order, most orders paid. */
import fs from "node:fs";
import { rng } from "../scripts/demoShop.js";

const FAMILY = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田", "山田", "佐々木", "山口", "松本", "井上"];
const GIVEN = ["太郎", "花子", "一郎", "さくら", "翔太", "陽菜", "大輝", "美咲", "ハルト", "ユイ"];
const PRODUCTS = ["静岡県産 深蒸し煎茶 100g", "宇治抹茶 30g", "有田焼 湯呑み", "南部鉄器 急須", "今治タオル", "信楽焼 マグカップ", "北海道産 昆布", "讃岐うどん 6食入り"];

/** Writes about `rows` data rows (whole orders) to `file`; returns the orders and payments written. */
export function writeImportFile(file: string, rows: number, seed = 7): { rows: number; orders: number; completedPayments: number; pendingPayments: number } {
  const random = rng(seed);
  const out = fs.openSync(file, "w");
  let buffer = "order_ref,customer_email,customer_name,product_name,quantity,unit_price,currency,payment_method,payment_status\r\n";
  let written = 0;
  let orders = 0;
  let completed = 0;
  let pending = 0;
  while (written < rows) {
    const items = Math.min(1 + Math.floor(random() * 5), rows - written);
    const ref = `B-${orders + 1}`;
    const name = `${FAMILY[Math.floor(random() * FAMILY.length)]} ${GIVEN[Math.floor(random() * GIVEN.length)]}`;
    const email = `customer${orders + 1}@example.jp`;
    const roll = random();
    const method = roll < 0.8 ? "credit_card" : "";
    const status = roll < 0.72 ? "completed" : roll < 0.8 ? "pending" : "";
    if (status === "completed") completed += 1;
    else if (status === "pending") pending += 1;
    for (let i = 0; i < items; i++) {
      const product = PRODUCTS[Math.floor(random() * PRODUCTS.length)]!;
      buffer += `${ref},${email},${name},${product},${1 + Math.floor(random() * 3)},${100 * (3 + Math.floor(random() * 40))},JPY,${method},${status}\r\n`;
    }
    written += items;
    orders += 1;
    if (buffer.length > 1 << 20) {
      fs.writeSync(out, buffer);
      buffer = "";
    }
  }
  fs.writeSync(out, buffer);
  fs.closeSync(out);
  return { rows: written, orders, completedPayments: completed, pendingPayments: pending };
}
