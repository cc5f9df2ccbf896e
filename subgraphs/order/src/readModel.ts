/**
 * The import history read the `Import.sameFileImport` loader makes, on SQLite, until the import
 * side moves to the data layer (branch wt/orderimport, db/imports.ts); removed then.
 */
import type { SqliteReader } from "@ops/service-kit";
import { IMPORTED_STATUSES } from "./import/importTypes.js";

/**
 * The real (not dry-run) imports of each file, by checksum, in the statuses that make a new
 * import of it a duplicate (IMPORTED_STATUSES), oldest first; one statement.
 */
export function realImportIdsByChecksums(reader: SqliteReader, checksums: readonly string[]): { id: number; checksum: string }[] {
  return reader
    .all<{ id: number; checksum: string; options: string }>(
      `SELECT id, checksum, options FROM import_history
       WHERE checksum IN (SELECT value FROM json_each(?)) AND status IN (SELECT value FROM json_each(?))
       ORDER BY id`,
      JSON.stringify(checksums),
      JSON.stringify(IMPORTED_STATUSES),
    )
    .filter((r) => !(JSON.parse(r.options) as { dryRun?: boolean }).dryRun)
    .map(({ id, checksum }) => ({ id, checksum }));
}
