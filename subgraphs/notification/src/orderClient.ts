/** Reads orders from the order service over HTTP (never its database). */
import { createServiceClient } from "@ops/service-kit";
import type { OrderData } from "./domain/templateContext.js";

export interface OrderReader {
  /** The order, or null when the order service does not know it. */
  fetchOrder(id: number): Promise<OrderData | null>;
}

const ORDER_QUERY = `query NotificationOrder($id: ID!) {
  order(id: $id) {
    id customerName customerEmail totalAmount currency status createdAt updatedAt
    items { productName quantity unitPrice subtotal }
  }
}`;

/** A reader over the order subgraph at `url`. */
/** `headers` carries this service's identity (router secret + service token). */
export function createOrderReader(url: string, headers: () => Promise<Record<string, string>>): OrderReader {
  const client = createServiceClient("order", url, headers);
  return {
    async fetchOrder(id) {
      const data = await client.request<{ order: OrderData | null }>(ORDER_QUERY, { id: String(id) });
      return data.order;
    },
  };
}
