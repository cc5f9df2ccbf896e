export * from "./config.js";
export * from "./db.js";
export * from "./errors.js";
export * from "./logger.js";
export * from "./pagination.js";
export * from "./scalars.js";
export * from "./serviceClient.js";
export * from "./subgraphServer.js";
export { announceListening } from "./stack/serviceProcess.js";
