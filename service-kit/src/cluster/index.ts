export * from "./launchCluster.js";
export * from "./nginx.js";
export * from "./nginxConfig.js";
