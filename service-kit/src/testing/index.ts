export * from "./freshDatabase.js";
export * from "./graphqlRequest.js";
export * from "./testSecurity.js";
