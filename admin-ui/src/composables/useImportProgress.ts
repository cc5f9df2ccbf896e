/**
 * Follows one import: `import(id)` now, then again about once a second while it is queued or
 * running (`@apollo/gateway` has no subscriptions). The next poll is scheduled when an answer
 * arrives, so a slow gateway never has two polls in flight; polling stops when the import has
 * finished, when the id changes, and when the page is left.
 */
import { useClientHandle } from "@urql/vue";
import type { CombinedError } from "@urql/core";
import { onBeforeUnmount, ref, watch, type Ref } from "vue";
import { isServiceOutage } from "@/domain/describeError";
import { isActive } from "@/domain/importProgress";
import { ImportProgressDocument, type ImportFieldsFragment } from "@/gql/graphql";

export const POLL_MS = 1000;
/** After an answer without data (gateway or order service unreachable), wait longer. */
const RETRY_MS = 5000;

export type ImportView = ImportFieldsFragment;

/** An error worth polling through: nothing answered, or the order service is down or slow for now. */
function isTransient(error: CombinedError): boolean {
  return !!error.networkError || error.graphQLErrors.some((e) => isServiceOutage(String(e.extensions?.code)));
}

export function useImportProgress(id: Ref<string | null>, intervalMs = POLL_MS) {
  const { client } = useClientHandle();
  const job = ref<ImportView | null>(null);
  const error = ref<CombinedError | null>(null);
  /** `import(id)` has answered at least once for this id. */
  const loaded = ref(false);
  const polling = ref(false);
  let timer: ReturnType<typeof setTimeout> | undefined;
  // Each (re)start is a generation; answers of an older one are dropped.
  let generation = 0;

  function stop() {
    generation++;
    clearTimeout(timer);
    timer = undefined;
    polling.value = false;
  }

  async function poll(gen: number) {
    const current = id.value;
    if (!current) return;
    polling.value = true;
    const result = await client.query(ImportProgressDocument, { id: current }, { requestPolicy: "network-only" }).toPromise();
    if (gen !== generation) return;
    loaded.value = true;
    error.value = result.error ?? null;
    if (result.data) job.value = result.data.import ?? null;
    let next: number | null = null;
    if (result.data?.import) next = isActive(result.data.import.status) ? intervalMs : null;
    else if (result.error && isTransient(result.error)) next = RETRY_MS;
    if (next === null) polling.value = false;
    else timer = setTimeout(() => void poll(gen), next);
  }

  /** Polls again from now (after an action), keeping what is shown meanwhile. */
  function refresh() {
    stop();
    void poll(generation);
  }

  /** Shows an answer the page already has (a mutation's), then follows it if it is still running. */
  function show(view: ImportView) {
    job.value = view;
    loaded.value = true;
    stop();
    if (!isActive(view.status)) return;
    polling.value = true;
    const gen = generation;
    timer = setTimeout(() => void poll(gen), intervalMs);
  }

  watch(
    id,
    () => {
      stop();
      job.value = null;
      error.value = null;
      loaded.value = false;
      void poll(generation);
    },
    { immediate: true },
  );
  onBeforeUnmount(stop);

  return { job, error, loaded, polling, refresh, show, stop };
}
