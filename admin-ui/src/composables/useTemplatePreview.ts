/**
 * A live preview of a template being edited: the server renders the inline sources against the
 * sample order or a chosen one, 300 ms after the operator stops typing. An answer that arrives
 * after the sources changed again is dropped, so a slow old render never replaces a newer one.
 */
import { useClientHandle } from "@urql/vue";
import type { CombinedError } from "@urql/core";
import { computed, onBeforeUnmount, ref, watch, type Ref } from "vue";
import { PreviewTemplateDocument, type Channel, type PreviewTemplateInput, type PreviewTemplateQuery } from "@/gql/graphql";

export const PREVIEW_DELAY_MS = 300;

export interface PreviewSource {
  subjectTemplate: string;
  bodyTemplate: string;
  channel: Channel;
  /** "" renders the documented sample order. */
  orderId: string;
}

export type TemplatePreview = PreviewTemplateQuery["previewTemplate"];

/** The API input for `source`: an SMS has no subject, so a stale one cannot fail its preview. */
export function previewInput(source: PreviewSource): PreviewTemplateInput {
  const orderId = source.orderId.trim();
  return {
    subjectTemplate: source.channel === "SMS" ? "" : source.subjectTemplate,
    bodyTemplate: source.bodyTemplate,
    channel: source.channel,
    ...(orderId ? { orderId } : {}),
  };
}

/** `source` null: nothing to preview (e.g. the template is still loading). */
export function useTemplatePreview(source: Ref<PreviewSource | null>, delayMs = PREVIEW_DELAY_MS) {
  const { client } = useClientHandle();
  const preview = ref<TemplatePreview | null>(null);
  const error = ref<CombinedError | null>(null);
  /** The sources the shown preview (or error) was rendered from. */
  const renderedKey = ref<string | null>(null);
  const pending = ref(false);
  const key = computed(() => (source.value ? JSON.stringify(previewInput(source.value)) : null));

  let timer: ReturnType<typeof setTimeout> | undefined;
  let latest = 0;

  async function render(input: PreviewTemplateInput, inputKey: string) {
    const mine = ++latest;
    const result = await client.query(PreviewTemplateDocument, { input }, { requestPolicy: "network-only" }).toPromise();
    if (mine !== latest) return;
    pending.value = false;
    renderedKey.value = inputKey;
    error.value = result.error ?? null;
    preview.value = result.data?.previewTemplate ?? null;
  }

  watch(
    key,
    (current) => {
      clearTimeout(timer);
      // Whatever is in flight now answers for sources the operator has since changed.
      latest += 1;
      if (current === null || !source.value) {
        pending.value = false;
        return;
      }
      pending.value = true;
      const input = previewInput(source.value);
      timer = setTimeout(() => void render(input, current), delayMs);
    },
    { immediate: true },
  );
  onBeforeUnmount(() => {
    clearTimeout(timer);
    latest += 1;
  });

  return {
    preview,
    error,
    pending,
    /** Whether the shown preview belongs to the sources as they are now. */
    upToDate: computed(() => renderedKey.value !== null && renderedKey.value === key.value),
  };
}
