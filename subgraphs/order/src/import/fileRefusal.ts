/** Why a whole file is refused, as the import's message, code and params. */
import { CsvEncodingError, CsvFormatError, CsvInvalidEncodingError, CsvLimitError, MissingColumnsError } from "./csv/index.js";
import type { ImportMessageCode } from "./importTypes.js";

export interface FileRefusal {
  message: string;
  code: ImportMessageCode;
  params: Record<string, unknown>;
}

/**
 * The refusal an error reading the file stands for (rows are spreadsheet rows), or null for an
 * error that is not about the file (a cancellation, a bug), which the caller re-throws.
 */
export function fileRefusal(err: unknown): FileRefusal | null {
  if (err instanceof MissingColumnsError) return { message: err.message, code: err.code, params: { columns: err.missing } };
  if (err instanceof CsvLimitError) return { message: err.message, code: err.code, params: { row: err.rowNumber, max: err.max } };
  if (err instanceof CsvInvalidEncodingError) return { message: err.message, code: err.code, params: { row: err.rowNumber, encoding: err.encoding } };
  if (err instanceof CsvFormatError) return { message: err.message, code: err.code, params: { row: err.rowNumber } };
  if (err instanceof CsvEncodingError) return { message: err.message, code: err.code, params: { byteOffset: err.byteOffset } };
  return null;
}
