/**
 * Limits of one order, in a module of their own so the bulk import's worker thread can share them
 * without loading the service's GraphQL and Prisma stack (which `validateOrder` brings in).
 */

/** Most items one order holds, through the API and through an import. */
export const MAX_ITEMS = 100;
