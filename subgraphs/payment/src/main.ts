/** Entry point: `tsx subgraphs/payment/src/main.ts` (started by `npm start`). */
import { announceListening, createLogger, stopOnSignals, readStackConfig, serviceSecurityFromConfig, usePrivateUmask, webhookUrl } from "@ops/service-kit";
import { startPaymentService } from "./server.js";

// Before anything is written: the database, its WAL and uploads are owner-only.
usePrivateUmask();
const config = readStackConfig();
const service = await startPaymentService({
  database: config.services.payment.database,
  port: config.services.payment.port,
  security: serviceSecurityFromConfig("payment", config),
  webhookUrls: () => ({ order: webhookUrl(config.services.order.url) }),
  outbox: config.outbox,
  host: config.host,
  logLevel: config.logLevel,
  orderServiceUrl: config.services.order.url,
  drain: { noticeMs: config.drainNoticeMs, timeoutMs: config.drainTimeoutMs },
});
announceListening(service.url);
// SIGTERM drains: not ready at once, in-flight work finishes, claims are given back (README).
stopOnSignals(service.stop, createLogger("payment", config.logLevel), config.drainNoticeMs + config.drainTimeoutMs);
