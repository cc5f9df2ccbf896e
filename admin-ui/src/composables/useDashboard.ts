/**
 * The dashboard's order figures: per status and for today (a Japan calendar day), each a
 * `totalCount` / `totalAmount` the order service computes. Refreshed every minute.
 */
import { useQuery } from "@urql/vue";
import { computed, onBeforeUnmount, ref } from "vue";
import { ORDER_STATUSES } from "@/domain/orderFilters";
import type { OrderStatus } from "@/gql/graphql";
import { DashboardOrderFiguresDocument } from "@/gql/graphql";
import { japanDay } from "@/i18n/format";

export interface Figure {
  totalCount: number;
  totalAmount: number;
}

const REFRESH_MS = 60_000;
const ALIAS: Record<OrderStatus, "pending" | "confirmed" | "shipped" | "delivered" | "cancelled"> = {
  PENDING: "pending",
  CONFIRMED: "confirmed",
  SHIPPED: "shipped",
  DELIVERED: "delivered",
  CANCELLED: "cancelled",
};

export function useDashboard() {
  const today = ref(japanDay(new Date()));
  const query = useQuery({ query: DashboardOrderFiguresDocument, variables: computed(() => ({ today: today.value })) });
  const data = computed(() => query.data.value ?? null);

  const byStatus = computed(() =>
    data.value ? ORDER_STATUSES.map((status) => ({ status, ...(data.value![ALIAS[status]] satisfies Figure) })) : [],
  );

  const timer = setInterval(() => {
    today.value = japanDay(new Date());
    query.executeQuery({ requestPolicy: "network-only" });
  }, REFRESH_MS);
  onBeforeUnmount(() => clearInterval(timer));

  return {
    today,
    byStatus,
    todayFigure: computed<Figure | null>(() => data.value?.today ?? null),
    todayCancelled: computed<Figure | null>(() => data.value?.todayCancelled ?? null),
    recent: computed(() => data.value?.recent.edges.map((e) => e.node) ?? []),
    fetching: query.fetching,
    error: query.error,
    refresh: () => query.executeQuery({ requestPolicy: "network-only" }),
  };
}
