/** The CSV reading layer of the bulk order import (issue 5, DESIGN section 6). */
export { COLUMN_NAMES, REQUIRED_COLUMNS, type ColumnIndex, type ColumnName } from "./columns.js";
export { CsvEncodingError, CsvFormatError, CsvInvalidEncodingError, CsvLimitError, MissingColumnsError, type CsvLimitCode } from "./csvErrors.js";
export { CSV_LIMITS, type CsvLimits } from "./csvLimits.js";
export { completeUtf8Length, detectEncoding, hasUtf8Bom, type CsvEncoding } from "./detectEncoding.js";
export { AutoDecoder, createCp932Decoder, createDecoder, type StreamDecoder } from "./createDecoder.js";
export { CsvParser, type CsvParserOptions, type OnRecord } from "./csvParser.js";
export { mapHeader, type HeaderMap } from "./headerMap.js";
export { parseAmount, parseQuantity } from "./normalizeNumber.js";
export { MAX_TEXT, validateRow, type ParsedRow, type RowError, type ValidatedRow } from "./validateRow.js";
export { isBlankRecord, readCsvFile, type OnRow, type ReadCsvOptions, type ReadCsvSummary } from "./readCsvFile.js";
