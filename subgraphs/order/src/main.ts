/** Entry point: `tsx subgraphs/order/src/main.ts` (started by `npm start`). */
import { announceListening, createLogger, stopOnSignals, readStackConfig, serviceDatabaseOptions, serviceSecurityFromConfig, usePrivateUmask, webhookUrl } from "@ops/service-kit";
import { startOrderService } from "./server.js";

// Before anything is written: the database, its WAL and uploads are owner-only.
usePrivateUmask();
const config = readStackConfig();
const service = await startOrderService({
  ...serviceDatabaseOptions(config.services.order),
  port: config.services.order.port,
  security: serviceSecurityFromConfig("order", config),
  webhookUrls: () => ({ notification: webhookUrl(config.services.notification.url), payment: webhookUrl(config.services.payment.url) }),
  outbox: config.outbox,
  importDir: config.importDir,
  importMaxBytes: config.importMaxBytes,
  importLimits: { maxOpenUploads: config.importMaxOpenUploads, maxPendingBytes: config.importMaxPendingBytes, maxDownloads: config.importMaxDownloads },
  peerUrls: () => ({ payment: config.services.payment.url, notification: config.services.notification.url }),
  consistency: { intervalMs: config.consistencyIntervalMs },
  jobLeaseMs: config.jobLeaseMs,
  drain: { noticeMs: config.drainNoticeMs, timeoutMs: config.drainTimeoutMs },
  host: config.host,
  logLevel: config.logLevel,
});
announceListening(service.url);
// SIGTERM drains: not ready at once, in-flight work finishes, claims are given back (README).
stopOnSignals(service.stop, createLogger("order", config.logLevel), config.drainNoticeMs + config.drainTimeoutMs);
