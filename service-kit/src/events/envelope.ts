/**
 * The event format every service speaks. One event may carry many orders (the bulk import sends
 * a batch's payments and notifications as a handful of events, never one call per order), so
 * `data` is a list of items and receivers apply each item idempotently in one transaction.
 */
import crypto from "node:crypto";
import type { EventPayloads, EventType } from "@ops/contracts";

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

/** The data an event of type `K` carries: its contract's payload for a known type, anything otherwise. */
export type DataOf<K extends string> = K extends EventType ? EventPayloads[K] : unknown;

/**
 * A new event with a fresh id. For a type with a contract, `data` must be of the contract's
 * payload type: the producer's payloads are checked by the compiler.
 */
export function newEvent<K extends string>(source: string, type: K, data: DataOf<K>, occurredAt = new Date()): EventEnvelope<DataOf<K>> {
  return { id: crypto.randomUUID(), type, source, occurredAt: occurredAt.toISOString(), data };
}

export function isEnvelope(value: unknown): value is EventEnvelope {
  const v = value as Partial<EventEnvelope> | null;
  return !!v && typeof v.id === "string" && typeof v.type === "string" && typeof v.source === "string" && typeof v.occurredAt === "string" && "data" in v;
}
