/**
 * What the browser can tell about a chosen file before sending it: a CSV, not empty, not over
 * the upload limit. The server checks all of it again (and the contents).
 */
import type { MessageKey, MessageParams } from "@/i18n";
import { formatBytes } from "./importProgress";

export interface FileProblem {
  key: MessageKey;
  params?: MessageParams;
}

const CSV_TYPES = new Set(["text/csv", "application/csv", "text/comma-separated-values", "application/vnd.ms-excel"]);

/** Why `file` cannot be imported, or null. `maxBytes` once the upload target has said it. */
export function csvFileProblem(file: { name: string; size: number; type: string }, maxBytes?: number): FileProblem | null {
  const csvName = /\.csv$/i.test(file.name.trim());
  // Windows reports a .csv as application/vnd.ms-excel; the name decides when the type is vague.
  if (!csvName && !(file.type && CSV_TYPES.has(file.type.toLowerCase()) && file.type !== "application/vnd.ms-excel")) {
    return { key: "import.file.notCsv", params: { name: file.name } };
  }
  if (file.size === 0) return { key: "import.file.empty", params: { name: file.name } };
  if (maxBytes !== undefined && file.size > maxBytes) {
    return { key: "import.file.tooLarge", params: { size: formatBytes(file.size), max: formatBytes(maxBytes) } };
  }
  return null;
}
