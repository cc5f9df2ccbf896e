/** `npm start`: migrate, seed, start the three subgraphs and the gateway, print the URLs. */
import { ConfigError, readStackConfig, SERVICE_NAMES } from "../config.js";
import { usePrivateUmask } from "../privateFiles.js";
import { launchStack } from "./launchStack.js";

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
const stack = await launchStack();
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
for (const [name, proc] of Object.entries(stack.processes)) {
  proc.child.on("exit", (code, signal) => {
    if (stopping) return;
    console.error(`${name} stopped unexpectedly (code ${code}, signal ${signal}); stopping the stack.`);
    void shutdown(1);
  });
}

async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  await stack.stop();
  process.exit(code);
}
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));
