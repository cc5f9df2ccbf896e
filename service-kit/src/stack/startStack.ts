/**
 * `npm start`: migrate, seed, start the three subgraphs and the gateway, print the URLs, and keep
 * them running: a service that dies is restarted (the others keep serving) until Ctrl+C.
 */
import { ConfigError, readStackConfig, SERVICE_NAMES } from "../config.js";
import { usePrivateUmask } from "../privateFiles.js";
import { launchStack } from "./launchStack.js";
import { describeSupervisionEvent } from "./supervisor.js";

// The migrations this process runs create the databases: owner-only, as the services keep them.
usePrivateUmask();
try {
  readStackConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(`Configuration error: ${err.message}`);
    process.exit(1);
  }
  throw err;
}

console.log("Starting Order Operations Supergraph (migrating databases, starting services)...");
const stack = await launchStack({
  supervise: {
    onEvent: (event) => console.error(`[launcher ${new Date().toISOString()}] ${describeSupervisionEvent(event)}`),
  },
});
const base = stack.gatewayUrl.replace(/\/graphql$/, "");
console.log(`
  Order Operations Supergraph is up.

  Admin UI      ${base}/
  GraphQL API   ${stack.gatewayUrl}   (Apollo Sandbox opens here in a browser)
  Health        ${base}/health   Ready: ${base}/ready
${SERVICE_NAMES.map((n) => `  ${n.padEnd(13)} ${stack.processes[n].url}`).join("\n")}

  Press Ctrl+C to stop.
`);

let stopping = false;
async function shutdown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await stack.stop();
  process.exit(0);
}
process.on("SIGINT", () => void shutdown());
process.on("SIGTERM", () => void shutdown());
