/** Entry point: `tsx gateway/src/main.ts` (started by `npm start`). */
import { announceListening, ConfigError, createLogger, stopOnSignals, loadSecrets, SERVICE_NAMES, usePrivateUmask } from "@ops/service-kit";
import { prepareAuthDatabase } from "./auth/authStore.js";
import { ensureFirstAdmin, firstAdminBanner } from "./auth/firstAdmin.js";
import { readGatewayConfig, type GatewayConfig } from "./config.js";
import { startGateway } from "./gatewayServer.js";

// Before anything is written: users, secrets and the first admin are owner-only.
usePrivateUmask();
let config: GatewayConfig;
let secrets: ReturnType<typeof loadSecrets>;
try {
  config = readGatewayConfig();
  secrets = loadSecrets(config.dataDir);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(`Configuration error: ${err.message}`);
  process.exit(1);
}
// Users from an earlier version's users.json are imported before anyone could be the first admin.
const authDatabase = await prepareAuthDatabase(config.authDatabase, config.security.usersFile, createLogger("gateway", config.logLevel));
const firstAdminPassword = await ensureFirstAdmin(authDatabase);
const gateway = await startGateway({
  port: config.gatewayPort,
  host: config.host,
  logLevel: config.logLevel,
  subgraphUrls: Object.fromEntries(SERVICE_NAMES.map((n) => [n, config.services[n].url])),
  security: config.security,
  secrets,
  subgraphTimeoutMs: config.subgraphTimeoutMs,
  drainNoticeMs: config.drainNoticeMs,
  drainTimeoutMs: config.drainTimeoutMs,
  authDatabase,
  revocationPollMs: config.revocationPollMs,
});
// Printed once, on the terminal only (stdout, never the log): the file keeps only the hash.
if (firstAdminPassword) process.stdout.write(firstAdminBanner(firstAdminPassword, gateway.url.replace(/\/graphql$/, "/")));
announceListening(gateway.url);
// SIGTERM drains: not ready at once, in-flight requests finish (README); then the auth database closes.
stopOnSignals(() => gateway.stop().then(() => authDatabase.close()), createLogger("gateway", config.logLevel), config.drainNoticeMs + config.drainTimeoutMs);
