/**
 * A staged upload from the browser: an upload target (`createImportUpload`), then the file's
 * bytes PUT to it with their progress. The answer's id is what `startImport` and `retryImport`
 * take. Leaving the page stops an upload under way.
 */
import { useMutation } from "@urql/vue";
import { computed, onBeforeUnmount, ref } from "vue";
import { uploadFile, type UploadedFile } from "@/api/uploadFile";
import { csvFileProblem, type FileProblem } from "@/domain/importFile";
import { CreateImportUploadDocument } from "@/gql/graphql";

/** The file cannot be sent as it is (not a CSV, empty, over the limit); said before any byte goes. */
export class FileRefused extends Error {
  constructor(readonly problem: FileProblem) {
    super(problem.key);
    this.name = "FileRefused";
  }
}

export function useImportUpload() {
  const createTarget = useMutation(CreateImportUploadDocument);
  const sent = ref(0);
  const total = ref(0);
  const uploading = ref(false);
  let controller: AbortController | null = null;

  /**
   * Sends `file`; resolves with the stored upload. Rejects with FileRefused, urql's CombinedError
   * (the target), HttpFailure or NetworkFailure (the PUT), or UploadAborted.
   */
  async function upload(file: File): Promise<UploadedFile> {
    const early = csvFileProblem(file);
    if (early) throw new FileRefused(early);
    const answer = await createTarget.executeMutation({ filename: file.name });
    if (answer.error || !answer.data) throw answer.error ?? new Error("createImportUpload gave no answer");
    const target = answer.data.createImportUpload;
    const tooLarge = csvFileProblem(file, target.maxBytes);
    if (tooLarge) throw new FileRefused(tooLarge);
    controller = new AbortController();
    sent.value = 0;
    total.value = file.size;
    uploading.value = true;
    try {
      return await uploadFile(target.uploadUrl, file, {
        signal: controller.signal,
        onProgress: (done, of) => {
          sent.value = done;
          total.value = of;
        },
      });
    } finally {
      uploading.value = false;
      controller = null;
    }
  }

  function abort() {
    controller?.abort();
  }
  onBeforeUnmount(abort);

  return {
    upload,
    abort,
    uploading,
    sent,
    total,
    /** Whole percent of the bytes sent. */
    percent: computed(() => (total.value > 0 ? Math.min(100, Math.floor((100 * sent.value) / total.value)) : 0)),
    /** Asking for the target (before the bytes go). */
    preparing: createTarget.fetching,
  };
}
