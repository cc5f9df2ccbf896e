/**
 * `npm run seed:demo [-- --orders N]`: fills the running shop with a realistic demo through the
 * gateway. It signs in as an admin: OPS_API_KEY (an admin API key), or OPS_USER and OPS_PASSWORD.
 */
import { readStackConfig } from "@ops/service-kit";
import { credentials } from "./credentials.js";
import { pool, poster, rng, seedOrder } from "./demoShop.js";

const config = readStackConfig();
const countArg = process.argv.indexOf("--orders");
const count = countArg > 0 ? Number(process.argv[countArg + 1]) : 300;
if (!Number.isInteger(count) || count < 1) {
  console.error("--orders needs a positive whole number");
  process.exit(1);
}
const url = process.env.GATEWAY_URL ?? `http://127.0.0.1:${config.gatewayPort}/graphql`;

let waits = 0;
const post = poster(url, await credentials(url, { script: "seed:demo", command: "npm run seed:demo", role: "admin", keyName: "demo-seed" }), () => (waits += 1));
try {
  await post("{ notificationTemplates { name } }");
} catch (err) {
  console.error(`Cannot use the gateway at ${url} (${err instanceof Error ? err.message : err}). Is the shop running (npm start) and is the identity an admin?`);
  process.exit(1);
}

const random = rng(Date.now());
let done = 0;
const started = Date.now();
await pool(count, 8, async (i) => {
  await seedOrder(post, i, random);
  done += 1;
  if (done % 25 === 0 || done === count) {
    const line = `seeded ${done}/${count} orders${waits ? ` (waited out the gateway's rate limit ${waits} time${waits > 1 ? "s" : ""})` : ""}`;
    // One line redrawn on a terminal; a line each in a log or a pipe.
    process.stdout.write(process.stdout.isTTY ? `\r${line}` : `${line}\n`);
  }
});
console.log(`${process.stdout.isTTY ? "\n" : ""}Demo shop ready: ${count} orders in ${((Date.now() - started) / 1000).toFixed(1)} s. Try: ${url}`);
