export * from "./launchStack.js";
export * from "./migrateDatabase.js";
export * from "./serviceProcess.js";
export * from "./supervisor.js";
export * from "./stackDatabases.js";
