/**
 * PostgreSQL: every parameterised statement a pooled connection runs is prepared once under a name
 * derived from its text, then only bound and executed — where pg's unnamed statements have the
 * server parse and plan the same text again on every call. The service's statements are a finite
 * set (lists go as arrays, `= ANY($1)`, so a text never embeds a count), and each connection
 * prepares at most MAX_PER_CONNECTION of them; past that, new texts run unnamed as before.
 * Statements without parameters (BEGIN, COMMIT, DDL, COPY) are never named.
 */
import crypto from "node:crypto";
import type pg from "pg";

/** Named statements one connection keeps on the server at most. */
export const MAX_PER_CONNECTION = 500;

// Text → name, shared by the pool's connections (bounded like them).
const names = new Map<string, string>();

function nameOf(text: string): string {
  let name = names.get(text);
  if (!name) {
    name = `ops_${crypto.createHash("sha1").update(text).digest("hex").slice(0, 24)}`;
    if (names.size < MAX_PER_CONNECTION * 4) names.set(text, name);
  }
  return name;
}

type Query = (...args: unknown[]) => unknown;

/** Makes `client` prepare its parameterised statements by name (called once per new connection). */
export function prepareStatements(client: pg.ClientBase): void {
  const prepared = new Set<string>();
  const query = client.query.bind(client) as Query;
  (client as unknown as { query: Query }).query = (config: unknown, values?: unknown, callback?: unknown) => {
    if (typeof config !== "string" || !Array.isArray(values) || values.length === 0) return query(config, values, callback);
    const name = nameOf(config);
    if (!prepared.has(name)) {
      if (prepared.size >= MAX_PER_CONNECTION) return query(config, values, callback);
      prepared.add(name);
    }
    return query({ name, text: config, values }, callback);
  };
}
