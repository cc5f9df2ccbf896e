/** Statement counting for the SQL-count tests. */
import type { QueryEvent } from "./data/openDatabase.js";

/**
 * Counts the SQL statements a client sends, for tests that guard against N+1 queries: pass
 * `record` as `onQuery` to the kit's `openDatabase` (or to a service's options).
 */
export class QueryCounter {
  count = 0;
  readonly statements: string[] = [];
  record = (event: Pick<QueryEvent, "query">): void => {
    this.count += 1;
    this.statements.push(event.query);
  };
  reset(): void {
    this.count = 0;
    this.statements.length = 0;
  }
}
