/**
 * The shop's business rules, each defined once, pure TypeScript with no dependencies: the
 * services, the CSV import and the admin UI import them from here. A refusal is a plain
 * `RuleError` that each caller maps to its own language.
 */
export * from "./ruleError.js";
export * from "./text.js";
export * from "./email.js";
export * from "./orderLimits.js";
export * from "./names.js";
export * from "./customerEmail.js";
export * from "./currency.js";
export * from "./orderAmounts.js";
export * from "./validateOrderInput.js";
export * from "./paymentAmount.js";
export * from "./paymentMethod.js";
export * from "./reason.js";
export * from "./orderPayable.js";
export * from "./orderStatus.js";
export * from "./paymentStatus.js";
export * from "./refundPolicy.js";
export * from "./templateVariables.js";
