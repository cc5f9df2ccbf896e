export * from "./apiKeys.js";
export * from "./auditLog.js";
export * from "./authenticate.js";
export * from "./authorize.js";
export * from "./roles.js";
export * from "./secrets.js";
export * from "./tokens.js";
export * from "./subgraphSecurity.js";
