export * from "./freshDatabase.js";
export * from "./graphqlRequest.js";
