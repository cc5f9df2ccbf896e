/**
 * `npm run seed:demo [-- --orders N]`: fills the running shop with a realistic demo through the
 * gateway. It signs in as an admin: OPS_API_KEY (an admin API key), or OPS_USER and OPS_PASSWORD.
 */
import { readStackConfig } from "@ops/service-kit";
import { pool, poster, rng, seedOrder } from "./demoShop.js";

const config = readStackConfig();
const countArg = process.argv.indexOf("--orders");
const count = countArg > 0 ? Number(process.argv[countArg + 1]) : 300;
if (!Number.isInteger(count) || count < 1) {
  console.error("--orders needs a positive whole number");
  process.exit(1);
}
const url = process.env.GATEWAY_URL ?? `http://127.0.0.1:${config.gatewayPort}/graphql`;

async function credentials(): Promise<Record<string, string>> {
  if (process.env.OPS_API_KEY) return { authorization: `ApiKey ${process.env.OPS_API_KEY}` };
  const { OPS_USER: username, OPS_PASSWORD: password } = process.env;
  if (!username || !password) {
    console.error(
      "seed:demo signs in as an admin. Either create an API key and pass it:\n" +
        "  npm run apikey:add -- demo-seed --role admin\n  OPS_API_KEY=<the key> npm run seed:demo\n" +
        "or give an admin's user name and password: OPS_USER=admin OPS_PASSWORD=... npm run seed:demo",
    );
    process.exit(1);
  }
  const res = await fetch(url.replace(/\/graphql$/, "/auth/login"), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password }),
  });
  const body = (await res.json()) as { token?: string; user?: { role: string; mustChangePassword: boolean }; error?: string };
  if (!res.ok || !body.token) {
    console.error(`Sign-in as ${username} failed (HTTP ${res.status}): ${body.error ?? "no token"}`);
    process.exit(1);
  }
  if (body.user?.mustChangePassword) {
    console.error(`${username} must change the password first: sign in at ${url.replace(/\/graphql$/, "/")} and change it.`);
    process.exit(1);
  }
  return { authorization: `Bearer ${body.token}` };
}

const post = poster(url, await credentials());
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
  if (done % 25 === 0 || done === count) process.stdout.write(`\rseeded ${done}/${count} orders`);
});
console.log(`\nDemo shop ready: ${count} orders in ${((Date.now() - started) / 1000).toFixed(1)} s. Try: ${url}`);
