/** Entry point: `tsx subgraphs/notification/src/main.ts` (started by `npm start`). */
import { announceListening, ConfigError } from "@ops/service-kit";
import { readNotificationConfig, type NotificationConfig } from "./config.js";
import { startNotificationService } from "./server.js";

let config: NotificationConfig;
try {
  config = readNotificationConfig();
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(`Configuration error: ${err.message}`);
  process.exit(1);
}
const service = await startNotificationService(config);
announceListening(service.url);
const stop = () => void service.stop().then(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
