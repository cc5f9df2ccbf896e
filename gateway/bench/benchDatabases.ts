/**
 * `--db sqlite|pg|both` for the benchmarks: which databases the stack runs on. SQLite is today's
 * stack under a temporary DATA_DIR; PostgreSQL is a throwaway cluster this process starts (with
 * fsync on, commits not waiting for it — what SQLite's WAL with synchronous = NORMAL does), each
 * service on a fresh database cloned from its migrated template (`isolatedStackEnv`).
 */
import fs from "node:fs";
import path from "node:path";
import { SERVICE_NAMES } from "@ops/service-kit";
import { PG_ADMIN_URL_VARIABLE, startPgCluster } from "@ops/service-kit/testing";

export type BenchDatabase = "sqlite" | "postgres";

export const DATABASE_LABEL: Record<BenchDatabase, string> = { sqlite: "SQLite", postgres: "PostgreSQL" };

/** The databases `--db` asks for (default sqlite); exits with a usage line for anything else. */
export function databasesArg(argv: readonly string[] = process.argv): BenchDatabase[] {
  const i = argv.indexOf("--db");
  const value = i >= 0 ? argv[i + 1] : "sqlite";
  if (value === "sqlite") return ["sqlite"];
  if (value === "pg" || value === "postgres") return ["postgres"];
  if (value === "both") return ["sqlite", "postgres"];
  console.error(`--db ${value ?? ""}: use --db sqlite (default), --db pg or --db both.`);
  process.exit(2);
}

/**
 * Runs `bench` once per database, one after the other (never both stacks at once on 2 cores).
 * `bench` receives the overrides to pass to `isolatedStackEnv`: none for SQLite, the cluster's
 * admin URL for PostgreSQL (the cluster is stopped afterwards).
 */
export async function onEachDatabase<T>(databases: readonly BenchDatabase[], bench: (database: BenchDatabase, overrides: NodeJS.ProcessEnv) => Promise<T>): Promise<Map<BenchDatabase, T>> {
  const results = new Map<BenchDatabase, T>();
  for (const database of databases) {
    console.log(`\n=== ${DATABASE_LABEL[database]} ===`);
    if (database === "sqlite") {
      results.set(database, await bench(database, {}));
      continue;
    }
    const cluster = await startPgCluster({ durable: true });
    console.log(`PostgreSQL ${cluster.version} on port ${cluster.port} (throwaway cluster)`);
    try {
      results.set(database, await bench(database, { [PG_ADMIN_URL_VARIABLE]: cluster.adminUrl }));
    } finally {
      await cluster.stop();
    }
  }
  return results;
}

/**
 * The services that wrote a SQLite file under `dataDir` although they were given PostgreSQL: a
 * service that does not read `<SERVICE>_DATABASE_URL` yet, whose figures are SQLite's.
 */
export function servicesStillOnSqlite(dataDir: string): string[] {
  return SERVICE_NAMES.filter((name) => fs.existsSync(path.join(dataDir, `${name}_service.db`)));
}

/** A markdown table with one column per database: `rows` are [label, value per database]. */
export function sideBySide(databases: readonly BenchDatabase[], rows: [string, Map<BenchDatabase, string>][]): string {
  const head = `| | ${databases.map((d) => DATABASE_LABEL[d]).join(" | ")} |\n|---|${databases.map(() => "---").join("|")}|`;
  return [head, ...rows.map(([label, values]) => `| ${label} | ${databases.map((d) => values.get(d) ?? "—").join(" | ")} |`)].join("\n");
}
