/**
 * One import batch from the three services in one request: its imports and orders (order
 * service), its payments (payment service) and notifications (notification service). A service
 * that is down leaves its part null and names itself in the errors; the other parts stay.
 */
import { useQuery } from "@urql/vue";
import { computed, type Ref } from "vue";
import { ImportBatchDocument, type ImportBatchQuery } from "@/gql/graphql";

/** Orders, payments and notifications shown on the page (the first of each). */
export const BATCH_PAGE_SIZE = 20;

export type BatchCore = NonNullable<ImportBatchQuery["batch"]>;
/** The payment service's part (present only when that service answered). */
export interface BatchPayments {
  batchId: string;
  paymentBatch: BatchCore["paymentBatch"];
  payments: NonNullable<BatchCore["payments"]>;
}
/** The notification service's part (present only when that service answered). */
export interface BatchNotifications {
  batchId: string;
  notificationCounts: NonNullable<BatchCore["notificationCounts"]>;
  notifications: NonNullable<BatchCore["notifications"]>;
}

export function useImportBatch(batchId: Ref<string>) {
  const query = useQuery({ query: ImportBatchDocument, variables: computed(() => ({ batchId: batchId.value, first: BATCH_PAGE_SIZE })) });
  const data = computed(() => query.data.value ?? null);
  return {
    batch: computed<BatchCore | null>(() => data.value?.batch ?? null),
    payments: computed<BatchPayments | null>(() => {
      const b = data.value?.batch;
      return b?.payments ? { batchId: b.batchId, paymentBatch: b.paymentBatch, payments: b.payments } : null;
    }),
    notifications: computed<BatchNotifications | null>(() => {
      const b = data.value?.batch;
      return b?.notifications && b.notificationCounts ? { batchId: b.batchId, notificationCounts: b.notificationCounts, notifications: b.notifications } : null;
    }),
    /** Orders of the batch that an undo would cancel (PENDING or CONFIRMED). */
    cancellable: computed(() => data.value?.cancellable.totalCount ?? null),
    loaded: computed(() => query.data.value !== undefined || !!query.error.value),
    fetching: query.fetching,
    error: query.error,
    refresh: () => query.executeQuery({ requestPolicy: "network-only" }),
  };
}
