/** How large one record of an order CSV may be; `CsvParser` checks it while the file streams. */
export interface CsvLimits {
  /** Most cells in one record. */
  maxFields: number;
  /** Longest cell, in characters as written in the file (its quotes included). */
  maxCellLength: number;
  /** Longest record, in characters as written (separators and quotes included, the line end not). */
  maxRowLength: number;
}

/**
 * The contract has 9 columns, names and products at most 200 characters; these leave room for
 * a spreadsheet's extra columns and notes while keeping what one record can cost bounded
 * (64 cells of 4 KB at most, 64 KB per record).
 */
export const CSV_LIMITS: Readonly<CsvLimits> = Object.freeze({ maxFields: 64, maxCellLength: 4096, maxRowLength: 64 * 1024 });
