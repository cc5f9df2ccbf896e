/**
 * The event format every service speaks. One event may carry many orders (the bulk import sends
 * a batch's payments and notifications as a handful of events, never one call per order), so
 * `data` is a list of items and receivers apply each item idempotently in one transaction.
 */
import crypto from "node:crypto";

export interface EventEnvelope<TData = unknown> {
  /** Unique per event; receivers deduplicate on it. */
  id: string;
  /** e.g. `payment.completed`, `order.cancelled`. */
  type: string;
  /** The producing service. */
  source: string;
  occurredAt: string;
  data: TData;
}

export function newEvent<TData>(source: string, type: string, data: TData, occurredAt = new Date()): EventEnvelope<TData> {
  return { id: crypto.randomUUID(), type, source, occurredAt: occurredAt.toISOString(), data };
}

export function isEnvelope(value: unknown): value is EventEnvelope {
  const v = value as Partial<EventEnvelope> | null;
  return !!v && typeof v.id === "string" && typeof v.type === "string" && typeof v.source === "string" && typeof v.occurredAt === "string" && "data" in v;
}
