/**
 * Step 2 of a staged upload: the file's bytes, PUT to the `uploadUrl` that `createImportUpload`
 * gave (README "The API: a staged upload"). XMLHttpRequest rather than fetch, because only it
 * reports upload progress. Same origin, so the session cookie goes along; the gateway's CSRF rule
 * for cookie-only uploads wants a non-form content type, hence `text/csv` whatever the browser
 * thinks the file is (Windows calls a .csv `application/vnd.ms-excel`, or nothing).
 */
import { HttpFailure, NetworkFailure, type ApiErrorLike } from "./failures";

/** What the order service answers for a stored file (201). */
export interface UploadedFile {
  id: string;
  filename: string;
  size: number;
  /** SHA-256 of the bytes, hex. */
  checksum: string;
}

export interface UploadOptions {
  /** Called as bytes leave the browser. */
  onProgress?: (sent: number, total: number) => void;
  signal?: AbortSignal;
}

/** The upload was stopped by its AbortSignal. */
export class UploadAborted extends Error {
  constructor() {
    super("The upload was stopped");
    this.name = "UploadAborted";
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/**
 * The errors of a refused upload, as GraphQL errors. The gateway names a service that is down in
 * `extensions.params.service` on this route (`extensions.service` in GraphQL answers); it is
 * moved where describeError looks, so the operator reads which service could not be reached.
 */
function failureOf(status: number, text: string): HttpFailure {
  const errors = (parseJson(text) as { errors?: unknown } | null)?.errors;
  const list: ApiErrorLike[] = Array.isArray(errors) ? (errors as ApiErrorLike[]) : [];
  const normalized = list.map((e) => {
    const ext = e.extensions ?? {};
    const service = (ext.params as { service?: unknown } | undefined)?.service;
    return typeof service === "string" && ext.service === undefined ? { ...e, extensions: { ...ext, service } } : e;
  });
  return new HttpFailure(status, normalized);
}

function toUploaded(text: string): UploadedFile {
  const body = parseJson(text) as Partial<UploadedFile> | null;
  if (!body || typeof body.id !== "string") {
    throw new HttpFailure(502, [{ message: "Unexpected answer to the upload", extensions: { code: "INTERNAL_SERVER_ERROR" } }]);
  }
  return { id: body.id, filename: String(body.filename ?? ""), size: Number(body.size ?? 0), checksum: String(body.checksum ?? "") };
}

/** PUTs `file` to `url` (a path on the gateway's origin). Rejects with HttpFailure, NetworkFailure or UploadAborted. */
export function uploadFile(url: string, file: Blob, options: UploadOptions = {}): Promise<UploadedFile> {
  const { onProgress, signal } = options;
  return new Promise<UploadedFile>((resolve, reject) => {
    if (signal?.aborted) {
      reject(new UploadAborted());
      return;
    }
    const xhr = new XMLHttpRequest();
    const onAbortSignal = () => xhr.abort();
    const settle = () => signal?.removeEventListener("abort", onAbortSignal);
    xhr.open("PUT", url);
    xhr.setRequestHeader("content-type", "text/csv");
    xhr.setRequestHeader("accept", "application/json");
    xhr.upload.onprogress = (e: ProgressEvent) => onProgress?.(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onload = () => {
      settle();
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress?.(file.size, file.size);
        try {
          resolve(toUploaded(xhr.responseText));
        } catch (err) {
          reject(err);
        }
      } else reject(failureOf(xhr.status, xhr.responseText));
    };
    xhr.onerror = () => {
      settle();
      reject(new NetworkFailure(new Error(`PUT ${url} got no answer`)));
    };
    xhr.ontimeout = xhr.onerror;
    xhr.onabort = () => {
      settle();
      reject(new UploadAborted());
    };
    signal?.addEventListener("abort", onAbortSignal);
    xhr.send(file);
  });
}
