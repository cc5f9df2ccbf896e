export * from "./validation/validator.js";
export * from "./validation/scalars.js";
export * from "./validation/structures.js";
export * from "./events/eventLimits.js";
export * from "./events/orderEvents.js";
export * from "./events/importEvents.js";
export * from "./events/paymentEvents.js";
export * from "./events/eventContracts.js";
