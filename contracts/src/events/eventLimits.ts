/**
 * How large an event may be. The producers split their work so that no event exceeds these
 * (the order service's status events and import chunks, the payment service's completions), and
 * receivers refuse an event that does: one event is one transaction on the receiver, and its
 * size must stay bounded whatever a bug or an attacker sends.
 *
 * The text limits are sanity bounds for the wire, deliberately looser than the shop's rules
 * (a customer name of 200 characters, say): the rules decide what is valid, the contract only
 * what is too large to be an honest event.
 */

/** The most orders one event names (a status event, an import chunk, an undo chunk). */
export const EVENT_ORDERS = 2_000;
/**
 * The most items the orders of one `order.*` event carry together: orders of many items close an
 * event earlier, so no event (and no receiver's transaction) grows past a couple of MB.
 */
export const EVENT_ITEMS = 20_000;
/** The most items one order's snapshot carries (the shop's own limit is far lower). */
export const SNAPSHOT_ITEMS = 1_000;
/** The most payments one event names (an import chunk's payments, the completions they cause). */
export const EVENT_PAYMENTS = 2_000;
/** Names, e-mail addresses, product names and reasons. */
export const MAX_TEXT = 1_000;
/** Identifiers such as an import batch's UUID, currencies and payment methods. */
export const MAX_TOKEN = 100;
