/**
 * The limits of one order: the API (`validateOrderInput`), the CSV import (`validateRow`,
 * `validateGroup`), the admin UI's order form, the demo and benchmark generators and the
 * database's CHECK backstops all read them from here.
 *
 * Why these numbers. The shop sells to households and small businesses; the largest real orders
 * are a few hundred thousand yen, and a payment is capped at 1,000,000 yen anyway.
 * - 10,000 of one item is a pallet: beyond it, a typo (an extra zero or two) is far likelier.
 * - 10,000,000 yen for one unit covers the dearest goods a shop like this lists (a kiln-fired
 *   tea set, a hand-made iron kettle) with a wide margin.
 * - 100,000,000 yen per order, 100 times the payment limit, leaves room for orders paid outside
 *   the payment service. It keeps every sum exact: the totals of even 90 million such orders
 *   stay below 2^53 − 1, the largest amount the `Yen` scalar (a JSON number) carries exactly;
 *   and one order's total still fits GraphQL's 32-bit Int, which older clients may assume.
 * Products of the three are bounded too: 100 lines × 10,000 × 10,000,000 = 10^13 < 2^53, so the
 * total of an order is computed exactly before it is compared with its limit.
 */

/** Most lines (items) in one order. */
export const MAX_ITEMS = 100;
/** Largest quantity of one line. */
export const MAX_QUANTITY = 10_000;
/** Largest unit price, whole yen. */
export const MAX_UNIT_PRICE = 10_000_000;
/** Largest order total (the sum of quantity × unit price), whole yen. */
export const MAX_ORDER_TOTAL = 100_000_000;
/** Longest customer name and product name, in characters once trimmed. */
export const MAX_NAME_LENGTH = 200;
