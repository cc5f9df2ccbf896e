/**
 * `npm run start:hive`: Hive Gateway on HIVE_GATEWAY_PORT (4100 unless set; 0 = a free port) in
 * front of the subgraphs the stack's configuration names — start them with `npm start` first.
 */
import { ConfigError, readStackConfig } from "@ops/service-kit";
import { startHiveGateway } from "./startHiveGateway.js";

function readPort(raw: string | undefined): number {
  if (raw === undefined || raw === "") return 4100;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`HIVE_GATEWAY_PORT=${raw} is not a port number: set it to an integer between 0 and 65535, or unset it to use 4100.`);
  }
  return port;
}

let port: number;
let host: string;
try {
  host = readStackConfig().host;
  port = readPort(process.env.HIVE_GATEWAY_PORT);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(`Configuration error: ${err.message}`);
  process.exit(1);
}
const hive = await startHiveGateway({ env: process.env, port, host });
console.log(`Hive Gateway (Rust query planner) is up: ${hive.url}   Health: ${hive.url.replace(/\/graphql$/, "/health")}`);

let stopping = false;
const shutdown = () => {
  stopping = true;
  void hive.stop().then(() => process.exit(0));
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
hive.child.once("exit", (code, signal) => {
  if (stopping) return;
  console.error(`Hive Gateway exited (${signal ?? `code ${code}`}).`);
  process.exit(code ?? 1);
});
