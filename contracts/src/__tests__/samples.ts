/** Well-formed payloads of every event, as the producers write them (tests break them one way at a time). */
import type { EventPayloads } from "../events/eventContracts.js";
import type { OrderSnapshot } from "../events/orderEvents.js";

export function snapshot(id: number, overrides: Partial<OrderSnapshot> = {}): OrderSnapshot {
  return {
    id,
    customerName: "山田 太郎",
    customerEmail: "taro@example.jp",
    status: "CONFIRMED",
    totalAmount: 4_400,
    currency: "JPY",
    createdAt: "2026-04-01T09:30:00.000Z",
    updatedAt: "2026-04-01T09:31:00.000Z",
    cancelReason: null,
    items: [
      { productName: "抹茶", quantity: 2, unitPrice: 1_600, subtotal: 3_200 },
      { productName: "湯呑み", quantity: 1, unitPrice: 1_200, subtotal: 1_200 },
    ],
    ...overrides,
  };
}

export const SAMPLES: EventPayloads = {
  "order.confirmed": { orders: [snapshot(1), snapshot(2)] },
  "order.shipped": { orders: [snapshot(3, { status: "SHIPPED" })] },
  "order.cancelled": { orders: [snapshot(4, { status: "CANCELLED", cancelReason: "在庫切れ" })] },
  "order.payment_refused": { payments: [{ paymentId: 7, orderId: 4, cancelledAt: "2026-04-01T09:31:00.000Z" }, { paymentId: 8, orderId: 5, cancelledAt: null }] },
  "import.payments": {
    batchId: "0196b2a4-7c1e-7000-8000-000000000001",
    importId: 3,
    payments: [{ orderId: 9, amount: 4_400, currency: "JPY", paymentMethod: "credit_card", status: "COMPLETED" }],
  },
  "import.confirmations": { batchId: "0196b2a4-7c1e-7000-8000-000000000001", importId: 3, sendConfirmations: "EACH", orders: [snapshot(9, { status: "PENDING" })] },
  "payment.completed": { payments: [{ paymentId: 7, orderId: 4, amount: 4_400 }] },
};
