import type { NotificationRowFragment } from "@/gql/graphql";

/** A notification as the tables show it: from the history (with its order) or from an order's page. */
export type NotificationRowLike = Omit<NotificationRowFragment, "orderId" | "batchId"> & { orderId?: string };
