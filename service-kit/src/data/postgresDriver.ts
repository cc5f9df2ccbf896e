/**
 * Kysely's PostgreSQL driver, with every parameter passed through `toPgParam` first (pg writes a
 * `Date` in the process's local time, see pgTypes.ts). Transactions, savepoints and connection
 * release stay Kysely's: a connection whose ROLLBACK failed is discarded, not reused.
 */
import type pg from "pg";
import { PostgresDialect, type CompiledQuery, type DatabaseConnection, type Driver, type QueryResult, type TransactionSettings } from "kysely";
import { toPgParam } from "./pgTypes.js";

class MappedConnection implements DatabaseConnection {
  constructor(readonly inner: DatabaseConnection) {}
  executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    return this.inner.executeQuery<R>(mapParams(compiledQuery));
  }
  streamQuery<R>(compiledQuery: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(mapParams(compiledQuery), chunkSize);
  }
}

function mapParams(query: CompiledQuery): CompiledQuery {
  return query.parameters.some((p) => p instanceof Date || Array.isArray(p)) ? { ...query, parameters: query.parameters.map(toPgParam) } : query;
}

const inner = (connection: DatabaseConnection) => (connection as MappedConnection).inner;

class MappedDriver implements Driver {
  constructor(private readonly driver: Driver) {}
  init() {
    return this.driver.init();
  }
  async acquireConnection() {
    return new MappedConnection(await this.driver.acquireConnection());
  }
  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings) {
    return this.driver.beginTransaction(inner(connection), settings);
  }
  commitTransaction(connection: DatabaseConnection) {
    return this.driver.commitTransaction(inner(connection));
  }
  rollbackTransaction(connection: DatabaseConnection) {
    return this.driver.rollbackTransaction(inner(connection));
  }
  savepoint(connection: DatabaseConnection, name: string, compile: Parameters<NonNullable<Driver["savepoint"]>>[2]) {
    return this.driver.savepoint!(inner(connection), name, compile);
  }
  rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: Parameters<NonNullable<Driver["savepoint"]>>[2]) {
    return this.driver.rollbackToSavepoint!(inner(connection), name, compile);
  }
  releaseSavepoint(connection: DatabaseConnection, name: string, compile: Parameters<NonNullable<Driver["savepoint"]>>[2]) {
    return this.driver.releaseSavepoint!(inner(connection), name, compile);
  }
  releaseConnection(connection: DatabaseConnection) {
    return this.driver.releaseConnection(inner(connection));
  }
  destroy() {
    return this.driver.destroy();
  }
}

/** PostgresDialect over `pool` whose parameters reach PostgreSQL in UTC. */
export class ServicePostgresDialect extends PostgresDialect {
  constructor(pool: pg.Pool) {
    super({ pool });
  }
  override createDriver(): Driver {
    return new MappedDriver(super.createDriver());
  }
}
