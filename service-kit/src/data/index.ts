export * from "./databaseTarget.js";
export * from "./openDatabase.js";
export * from "./dialectHelpers.js";
export * from "./insertMany.js";
export * from "./databaseError.js";
export { parseInt8, parseNumeric, parseUtcTimestamp, serviceTypes } from "./pgTypes.js";
export { migrate, type MigrationTarget } from "./migrate.js";
