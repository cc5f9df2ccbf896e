/**
 * Follows one batch undo: shows what the page already has (the batch's latest undo, or the answer
 * of undoImportBatch), then polls `batchUndo(id)` about once a second while it is queued or
 * running (`@apollo/gateway` has no subscriptions). The next poll is scheduled when an answer
 * arrives, so a slow gateway never has two polls in flight; polling stops when the undo has
 * finished, when another is shown, and when the page is left. `onFinished` runs once when a
 * followed undo ends (the page reads the batch again).
 */
import { useClientHandle } from "@urql/vue";
import type { CombinedError } from "@urql/core";
import { onBeforeUnmount, ref } from "vue";
import { isUndoActive } from "@/domain/batchUndo";
import { BatchUndoProgressDocument, type BatchUndoFieldsFragment } from "@/gql/graphql";

export const UNDO_POLL_MS = 1000;
/** After an answer without data (gateway or order service unreachable), wait longer. */
const RETRY_MS = 5000;

export type BatchUndoView = BatchUndoFieldsFragment;

export function useBatchUndoProgress(onFinished: (undo: BatchUndoView) => void, intervalMs = UNDO_POLL_MS) {
  const { client } = useClientHandle();
  const undo = ref<BatchUndoView | null>(null);
  const error = ref<CombinedError | null>(null);
  let timer: ReturnType<typeof setTimeout> | undefined;
  // Each show is a generation; answers of an older one are dropped.
  let generation = 0;

  function stop() {
    generation++;
    clearTimeout(timer);
    timer = undefined;
  }

  async function poll(gen: number, id: string) {
    const result = await client.query(BatchUndoProgressDocument, { id }, { requestPolicy: "network-only" }).toPromise();
    if (gen !== generation) return;
    error.value = result.error ?? null;
    const latest = result.data?.batchUndo;
    if (latest) {
      undo.value = latest;
      if (isUndoActive(latest.status)) timer = setTimeout(() => void poll(gen, id), intervalMs);
      else onFinished(latest);
    } else if (result.error) timer = setTimeout(() => void poll(gen, id), RETRY_MS);
  }

  /** Shows `view` (or nothing), and follows it while it is still going. */
  function show(view: BatchUndoView | null) {
    stop();
    undo.value = view;
    error.value = null;
    if (!view || !isUndoActive(view.status)) return;
    const gen = generation;
    timer = setTimeout(() => void poll(gen, view.id), intervalMs);
  }

  onBeforeUnmount(stop);
  return { undo, error, show, stop };
}
