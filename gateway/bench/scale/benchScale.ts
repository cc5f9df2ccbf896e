/**
 * `npm run bench:scale [-- --orders 1000000 --times 40]`: the admin UI's main pages against a shop
 * of a million orders (built by buildScaleShop, served by the real four processes), each opened
 * `--times` times four at a time; prints p50/p99/max per page, the consistency report's, and each
 * process's peak memory. Targets on a 2-core machine: p99 ≤ 300 ms per page, the consistency
 * report ≤ 1 s, peak RSS ≤ 300 MB per service.
 */
import { rng } from "../../scripts/demoShop.js";
import { mainPages, measure, timing, type Page } from "./pages.js";
import { startScaleStack } from "./scaleStack.js";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i > 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} needs a positive whole number`);
  return value;
}
const ORDERS = arg("orders", 1_000_000);
const TIMES = arg("times", 40);
const CONCURRENCY = 4;

const scale = await startScaleStack({ orders: ORDERS, batchOrders: Math.floor(ORDERS * 0.3) });
try {
  const client = scale.client("viewer");
  const random = rng(7);
  const consistency: Page = {
    name: "consistency report",
    open: (c) => c.request(`{ consistencyReport(first: 100) { asOf issueCount counts { kind count } issues { kind orderId ageSeconds } outbox { service pending } unavailable } }`).then(() => undefined),
  };
  const rows: string[] = [];
  let missed = 0;
  for (const page of [...mainPages(scale.shop, random), consistency]) {
    await measure(page, client, CONCURRENCY, CONCURRENCY); // warm-up: statement caches, query plans
    const t = timing(await measure(page, client, TIMES, CONCURRENCY));
    const target = page === consistency ? 1000 : 300;
    if (t.p99 > target) missed += 1;
    rows.push(`| ${page.name} | ${t.p50.toFixed(0)} | ${t.p99.toFixed(0)} | ${t.max.toFixed(0)} | ${target} | ${t.p99 <= target ? "met" : "MISSED"} |`);
  }
  console.log(`\n${ORDERS.toLocaleString("en")} orders; each page opened ${TIMES} times, ${CONCURRENCY} at once (ms):\n`);
  console.log("| page | p50 | p99 | max | p99 target | |\n|---|---|---|---|---|---|");
  console.log(rows.join("\n"));
  const rss = scale.peakRss();
  console.log(`\nPeak RSS MB: ${Object.entries(rss).map(([n, mb]) => `${n} ${mb.toFixed(0)}`).join(", ")} (target ≤ 300 per service: ${Object.values(rss).every((mb) => mb <= 300) ? "met" : "MISSED"})`);
  console.log(missed ? `${missed} page(s) missed their p99 target.` : "Every page met its p99 target.");
  if (scale.exits.length) console.log(`Processes that exited:\n${scale.exits.join("\n")}`);
} finally {
  await scale.stop();
}
