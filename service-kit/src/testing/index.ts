export * from "./eventually.js";
export * from "./freshDatabase.js";
export * from "./graphqlRequest.js";
export * from "./testSecurity.js";
export * from "./pgAdmin.js";
export * from "./pgCluster.js";
export * from "./rows.js";
