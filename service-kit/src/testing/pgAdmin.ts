/**
 * Creating and dropping databases on a test PostgreSQL server, from nothing but its admin URL: the
 * test runner's cluster hands that URL to Vitest's workers (`OPS_TEST_PG_ADMIN_URL`), which never
 * see the cluster object itself.
 */
import pg from "pg";

/** Database names the helpers accept: plain lower-case identifiers, so they never need quoting tricks. */
const NAME = /^[a-z_][a-z0-9_]{0,62}$/;

function checkName(name: string): string {
  if (!NAME.test(name)) throw new Error(`"${name}" is not a usable database name: use lower-case letters, digits and _ (at most 63).`);
  return `"${name}"`;
}

/** The URL of database `name` on the server `adminUrl` points at (same user, host and port). */
export function databaseUrl(adminUrl: string, name: string): string {
  checkName(name);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withAdmin<T>(adminUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Creates database `name` (empty, or a copy of `template`) and returns its URL. PostgreSQL copies a
 * template only while nobody is connected to it; a pool that is still closing its connections
 * holds it for a moment, so "being accessed by other users" (55006) is retried for up to 5 s.
 */
export async function createDatabase(adminUrl: string, name: string, options: { template?: string } = {}): Promise<string> {
  const sql = `CREATE DATABASE ${checkName(name)}${options.template ? ` TEMPLATE ${checkName(options.template)}` : ""}`;
  await withAdmin(adminUrl, async (client) => {
    const deadline = Date.now() + 5000;
    for (let delay = 20; ; delay = Math.min(delay * 2, 500)) {
      try {
        await client.query(sql);
        return;
      } catch (err) {
        if ((err as { code?: string }).code !== "55006" || Date.now() + delay > deadline) throw err;
        await sleep(delay);
      }
    }
  });
  return databaseUrl(adminUrl, name);
}

/** Drops database `name` if it exists, disconnecting whoever is still connected to it. */
export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const sql = `DROP DATABASE IF EXISTS ${checkName(name)} WITH (FORCE)`;
  await withAdmin(adminUrl, (client) => client.query(sql));
}

/** True when database `name` exists on the server. */
export async function databaseExists(adminUrl: string, name: string): Promise<boolean> {
  checkName(name);
  return withAdmin(adminUrl, async (client) => {
    const result = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    return result.rowCount === 1;
  });
}
