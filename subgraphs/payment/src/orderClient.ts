/** Reads orders from the order subgraph over HTTP (the payment service never reads its database). */
import { createServiceClient } from "@ops/service-kit";
import type { OrderReader } from "./domain/createPayment.js";

const ORDER_QUERY = /* GraphQL */ `
  query PaymentOrder($id: ID!) {
    order(id: $id) { id totalAmount currency status }
  }
`;

interface OrderResult {
  order: { id: string; totalAmount: number; currency: string; status: string } | null;
}

/** An `OrderReader` over the order service's GraphQL endpoint at `url`; `headers` carries this service's identity. */
export function createOrderClient(url: string, headers: () => Promise<Record<string, string>>): OrderReader {
  const client = createServiceClient("order", url, headers);
  return {
    async getOrder(id) {
      const { order } = await client.request<OrderResult>(ORDER_QUERY, { id: String(id) });
      return order ? { id: Number(order.id), totalAmount: order.totalAmount, currency: order.currency, status: order.status } : null;
    },
  };
}
