/**
 * The dashboard's series and lists, one query per card and owning service (so a service that is
 * down empties only its cards), each refreshed every minute like the order figures.
 */
import { useQuery } from "@urql/vue";
import { computed, onBeforeUnmount, watch, type Ref } from "vue";
import type { DayRange } from "@/domain/dayRange";
import { orderSeries, revenueSeries } from "@/domain/dailySeries";
import { InsightsOrderDaysDocument, InsightsPaymentDaysDocument, InsightsRecentImportsDocument, InsightsTodayPaymentsDocument, type ImportStatus } from "@/gql/graphql";

const REFRESH_MS = 60_000;
/** While an import runs its bar should move: its list is read this often. */
const FOLLOW_MS = 2_000;
const RUNNING: readonly ImportStatus[] = ["PENDING", "RUNNING", "CANCELLING"];

/** Re-runs `query` from the network every minute while the component lives; returns the refresher. */
function everyMinute(query: { executeQuery: (opts: { requestPolicy: "network-only" }) => unknown }) {
  const refresh = () => void query.executeQuery({ requestPolicy: "network-only" });
  const timer = setInterval(refresh, REFRESH_MS);
  onBeforeUnmount(() => clearInterval(timer));
  return refresh;
}

/** Orders per Japan day over `range`, from the order service. */
export function useOrderDays(range: Ref<DayRange>) {
  const query = useQuery({ query: InsightsOrderDaysDocument, variables: computed(() => ({ ...range.value })) });
  return {
    series: computed(() => (query.data.value ? orderSeries(query.data.value.orderDays) : null)),
    fetching: query.fetching,
    error: query.error,
    refresh: everyMinute(query),
  };
}

/** Revenue and refunds per Japan day over `range`, from the payment service. */
export function usePaymentDays(range: Ref<DayRange>) {
  const query = useQuery({ query: InsightsPaymentDaysDocument, variables: computed(() => ({ ...range.value })) });
  return {
    series: computed(() => (query.data.value ? revenueSeries(query.data.value.paymentDays) : null)),
    fetching: query.fetching,
    error: query.error,
    refresh: everyMinute(query),
  };
}

/** Today's revenue and refunds (a Japan calendar day), from the payment service. */
export function useTodayPayments(today: Ref<string>) {
  const query = useQuery({ query: InsightsTodayPaymentsDocument, variables: computed(() => ({ today: today.value })) });
  return {
    figures: computed(() => query.data.value?.paymentDays[0] ?? null),
    fetching: query.fetching,
    error: query.error,
    refresh: everyMinute(query),
  };
}

/** The five latest imports, from the order service; followed closely while one of them runs. */
export function useRecentImports() {
  const query = useQuery({ query: InsightsRecentImportsDocument });
  const imports = computed(() => query.data.value?.imports.edges.map((e) => e.node) ?? null);
  const refresh = everyMinute(query);
  let follow: ReturnType<typeof setTimeout> | undefined;
  watch(imports, (list) => {
    clearTimeout(follow);
    if (list?.some((i) => RUNNING.includes(i.status))) follow = setTimeout(refresh, FOLLOW_MS);
  });
  onBeforeUnmount(() => clearTimeout(follow));
  return { imports, fetching: query.fetching, error: query.error, refresh };
}
