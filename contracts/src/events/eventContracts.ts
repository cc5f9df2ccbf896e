/**
 * Every event the services exchange, by name: its payload type (`EventPayloads`) and its
 * validator (`EVENT_CONTRACTS`). Producers build payloads with these types; the webhook receiver
 * checks each event against its validator before any handler runs.
 */
import { validate, type Problem, type Validator } from "../validation/validator.js";
import { IMPORT_CONFIRMATIONS, IMPORT_PAYMENTS, importConfirmationsData, importPaymentsData, type ImportConfirmationsData, type ImportPaymentsData } from "./importEvents.js";
import { ORDER_CANCELLED, ORDER_CONFIRMED, ORDER_SHIPPED, orderEventData, type OrderEventData } from "./orderEvents.js";
import { ORDER_PAYMENT_REFUSED, PAYMENT_COMPLETED, paymentCompletedData, paymentRefusedData, type PaymentCompletedData, type PaymentRefusedData } from "./paymentEvents.js";

/** Each event's `data`, by event type. */
export interface EventPayloads {
  [ORDER_CONFIRMED]: OrderEventData;
  [ORDER_SHIPPED]: OrderEventData;
  [ORDER_CANCELLED]: OrderEventData;
  [ORDER_PAYMENT_REFUSED]: PaymentRefusedData;
  [IMPORT_PAYMENTS]: ImportPaymentsData;
  [IMPORT_CONFIRMATIONS]: ImportConfirmationsData;
  [PAYMENT_COMPLETED]: PaymentCompletedData;
}

/** The name of an event some service produces. */
export type EventType = keyof EventPayloads;

/** The validator of each event's `data`. */
export const EVENT_CONTRACTS: { readonly [K in EventType]: Validator<EventPayloads[K]> } = {
  [ORDER_CONFIRMED]: orderEventData,
  [ORDER_SHIPPED]: orderEventData,
  [ORDER_CANCELLED]: orderEventData,
  [ORDER_PAYMENT_REFUSED]: paymentRefusedData,
  [IMPORT_PAYMENTS]: importPaymentsData,
  [IMPORT_CONFIRMATIONS]: importConfirmationsData,
  [PAYMENT_COMPLETED]: paymentCompletedData,
};

/** True when `type` names an event with a contract. */
export function isEventType(type: string): type is EventType {
  return Object.prototype.hasOwnProperty.call(EVENT_CONTRACTS, type);
}

/**
 * What is wrong with `data` as the payload of a `type` event: an empty list when it matches its
 * contract, null when `type` has no contract (an event this version does not know).
 */
export function eventProblems(type: string, data: unknown): Problem[] | null {
  if (!isEventType(type)) return null;
  const checked = validate(EVENT_CONTRACTS[type] as Validator<unknown>, data);
  return checked.ok ? [] : checked.problems;
}

/** A function that answers as `eventProblems` does (the receiver takes one, tests pass their own). */
export type EventContractCheck = (type: string, data: unknown) => Problem[] | null;

/**
 * Narrows an event to its contract type by its name. Only the name is compared: the webhook
 * receiver has checked `data` against the contract before any handler sees the event.
 */
export function isEvent<E extends { type: string; data: unknown }, K extends EventType>(event: E, type: K): event is E & { type: K; data: EventPayloads[K] } {
  return event.type === type;
}
