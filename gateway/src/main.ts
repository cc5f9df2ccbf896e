/** Entry point: `tsx gateway/src/main.ts` (started by `npm start`). */
import { announceListening, readStackConfig, SERVICE_NAMES } from "@ops/service-kit";
import { startGateway } from "./gatewayServer.js";

const config = readStackConfig();
const gateway = await startGateway({
  port: config.gatewayPort,
  host: config.host,
  logLevel: config.logLevel,
  subgraphUrls: Object.fromEntries(SERVICE_NAMES.map((n) => [n, config.services[n].url])),
});
announceListening(gateway.url);
const stop = () => void gateway.stop().then(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
