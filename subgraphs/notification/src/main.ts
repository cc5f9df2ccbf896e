/** Entry point: `tsx subgraphs/notification/src/main.ts` (started by `npm start`). */
import { announceListening, ConfigError, readStackConfig, serviceDatabaseOptions, serviceSecurityFromConfig, usePrivateUmask, type ServiceSecurity } from "@ops/service-kit";
import { readNotificationConfig, type NotificationConfig } from "./config.js";
import { startNotificationService } from "./server.js";

// Before anything is written: the database and the mail outbox are owner-only.
usePrivateUmask();
let config: NotificationConfig;
let security: ServiceSecurity;
try {
  config = readNotificationConfig();
  security = serviceSecurityFromConfig("notification", readStackConfig());
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(`Configuration error: ${err.message}`);
  process.exit(1);
}
const stack = readStackConfig();
const service = await startNotificationService({ ...config, ...serviceDatabaseOptions(stack.services.notification), security, webhookUrls: () => ({}), outbox: stack.outbox });
announceListening(service.url);
const stop = () => void service.stop().then(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
