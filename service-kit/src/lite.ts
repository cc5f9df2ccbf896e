/**
 * The parts of service-kit a worker thread needs, without Apollo, Kysely or Express: the import
 * worker loads only this, which keeps the order service's memory down during a large import.
 */
export * from "./sqliteBasics.js";
export * from "./events/envelope.js";
export * from "./text.js";
