/** The variables a template renders from: an order as the order service returns it, or sample data. */
import { formatJapanDate } from "./formatters.js";

/** An order as read from the order service's `order(id:)` query. */
export interface OrderData {
  id: string;
  customerName: string;
  customerEmail: string;
  totalAmount: number;
  currency: string;
  status: string;
  createdAt: string;
  updatedAt: string;
  items: { productName: string; quantity: number; unitPrice: number; subtotal: number }[];
}

export interface TemplateItem {
  product_name: string;
  quantity: number;
  unit_price: number;
  subtotal: number;
}

/** Exactly the documented root variables (templateVariables.ts). */
export interface TemplateContext {
  order_id: string;
  customer_name: string;
  customer_email: string;
  items: TemplateItem[];
  total_amount: number;
  currency: string;
  status: string;
  status_label: string;
  created_at: string;
  updated_at: string;
  order_date: string;
}

const STATUS_LABELS: Record<string, string> = {
  PENDING: "受付中",
  CONFIRMED: "注文確定",
  SHIPPED: "発送済み",
  DELIVERED: "配達完了",
  CANCELLED: "キャンセル済み",
};

/** Maps an order to the template variables. */
export function templateContext(order: OrderData): TemplateContext {
  return {
    order_id: order.id,
    customer_name: order.customerName,
    customer_email: order.customerEmail,
    items: order.items.map((i) => ({ product_name: i.productName, quantity: i.quantity, unit_price: i.unitPrice, subtotal: i.subtotal })),
    total_amount: order.totalAmount,
    currency: order.currency,
    status: order.status,
    status_label: STATUS_LABELS[order.status] ?? order.status,
    created_at: order.createdAt,
    updated_at: order.updatedAt,
    order_date: formatJapanDate(order.createdAt),
  };
}

/** The documented sample order previews render from when no real order is given. */
export const SAMPLE_ORDER: OrderData = {
  id: "1024",
  customerName: "山田 花子",
  customerEmail: "hanako.yamada@example.jp",
  totalAmount: 10900,
  currency: "JPY",
  status: "CONFIRMED",
  createdAt: "2026-11-25T01:30:00.000Z",
  updatedAt: "2026-11-25T03:00:00.000Z",
  items: [
    { productName: "有機緑茶 100g", quantity: 2, unitPrice: 1200, subtotal: 2400 },
    { productName: "南部鉄器 急須", quantity: 1, unitPrice: 8500, subtotal: 8500 },
  ],
};
