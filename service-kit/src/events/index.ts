export * from "./dispatcher.js";
export * from "./envelope.js";
export * from "./outbox.js";
export * from "./receiver.js";
export * from "./signature.js";
export * from "./serviceEvents.js";
