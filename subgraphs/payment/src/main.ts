/** Entry point: `tsx subgraphs/payment/src/main.ts` (started by `npm start`). */
import { announceListening, readStackConfig, serviceDatabaseOptions, serviceSecurityFromConfig, usePrivateUmask, webhookUrl } from "@ops/service-kit";
import { startPaymentService } from "./server.js";

// Before anything is written: the database, its WAL and uploads are owner-only.
usePrivateUmask();
const config = readStackConfig();
const service = await startPaymentService({
  ...serviceDatabaseOptions(config.services.payment),
  port: config.services.payment.port,
  security: serviceSecurityFromConfig("payment", config),
  webhookUrls: () => ({ order: webhookUrl(config.services.order.url) }),
  outbox: config.outbox,
  host: config.host,
  logLevel: config.logLevel,
  orderServiceUrl: config.services.order.url,
});
announceListening(service.url);
const stop = () => void service.stop().then(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
