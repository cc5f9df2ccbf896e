import { freshDatabase, tempDir, mustQuery } from "@ops/service-kit/testing";
import { startOrderService } from "@ops/order/server";
import { startPaymentService } from "@ops/payment/server";
import { loadTest } from "./gateway/bench/loadTest.ts";
const w = tempDir();
const order = await startOrderService({ dbPath: await freshDatabase("order", w.dir), port: 0, logLevel: "silent" });
const pay = await startPaymentService({ dbPath: await freshDatabase("payment", w.dir), port: 0, logLevel: "silent", orderServiceUrl: order.url });
const ids: string[] = [];
for (let i = 0; i < 50; i++) {
  const o = await mustQuery(order.url, `mutation { createOrder(input: {customerEmail: "a@b.jp", customerName: "x", items: [{productName: "a", quantity: 1, unitPrice: 1000}]}) { id } }`);
  ids.push(o.createOrder.id);
  if (i % 3) { const p = await mustQuery(pay.url, `mutation { createPayment(input: {orderId: "${o.createOrder.id}"}) { id } }`); await mustQuery(pay.url, `mutation { completePayment(id: "${p.createPayment.id}") { id } }`); }
}
const q = JSON.stringify({ query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on Order { payment { status amount transactionId refunds { amount reason } } } } }`, variables: { r: ids.map((id) => ({ __typename: "Order", id })) } });
await loadTest(pay.url, q, { requests: 500, concurrency: 4 });
const c0 = process.cpuUsage();
const r = await loadTest(pay.url, q, { requests: 2000, concurrency: 4 });
const c = process.cpuUsage(c0);
console.log("payment _entities", r.rps.toFixed(0), "rps; ms/req incl loadgen", ((c.user + c.system) / 1000 / 2000).toFixed(2));
const q2 = JSON.stringify({ query: `{ orders(first: 50) { totalCount edges { node { id customerName status totalAmount items { productName quantity unitPrice } } } } }` });
await loadTest(order.url, q2, { requests: 500, concurrency: 4 });
const c1 = process.cpuUsage();
const r2 = await loadTest(order.url, q2, { requests: 2000, concurrency: 4 });
const c2 = process.cpuUsage(c1);
console.log("order list", r2.rps.toFixed(0), "rps; ms/req", ((c2.user + c2.system) / 1000 / 2000).toFixed(2));
await pay.stop(); await order.stop(); w.cleanup();
