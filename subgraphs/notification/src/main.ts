/** Entry point: `tsx subgraphs/notification/src/main.ts` (started by `npm start`). */
import { announceListening, createLogger, stopOnSignals, ConfigError, readStackConfig, serviceDatabaseOptions, serviceSecurityFromConfig, usePrivateUmask, type ServiceSecurity } from "@ops/service-kit";
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
const service = await startNotificationService({ ...config, ...serviceDatabaseOptions(stack.services.notification), security, webhookUrls: () => ({}), outbox: stack.outbox, drain: { noticeMs: stack.drainNoticeMs, timeoutMs: stack.drainTimeoutMs } });
announceListening(service.url);
// SIGTERM drains: not ready at once, in-flight work finishes, claims are given back (README).
stopOnSignals(service.stop, createLogger("notification", stack.logLevel), stack.drainNoticeMs + stack.drainTimeoutMs);
