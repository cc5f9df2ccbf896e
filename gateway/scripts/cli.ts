/** What the account scripts share: argument parsing, the configuration, and failing with a clear message. */
import { parseArgs } from "node:util";
import { ConfigError, isRole, ROLES, usePrivateUmask, type AuthDb, type Role } from "@ops/service-kit";
import { describeTarget } from "@ops/service-kit/data";
import { prepareAuthDatabase } from "../src/auth/authStore.js";
import { readGatewayConfig, type GatewayConfig } from "../src/config.js";
import { UserStoreError } from "../src/auth/userStore.js";

/** Prints `message` (and the usage) on stderr and exits with status 1. */
export function fail(message: string, usage?: string): never {
  process.stderr.write(`${message}\n${usage ? `\nUsage: ${usage}\n` : ""}`);
  process.exit(1);
}

export function parseCli(usage: string, options: { role?: boolean; passwordStdin?: boolean }) {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        role: { type: "string" },
        "password-stdin": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err), usage);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`Usage: ${usage}\n`);
    process.exit(0);
  }
  if (positionals.length !== 1) fail(positionals.length ? `Expected one name, got ${positionals.length}: ${positionals.join(" ")}` : "Give a name.", usage);
  if (!options.role && values.role !== undefined) fail("--role does not apply here.", usage);
  if (!options.passwordStdin && values["password-stdin"]) fail("--password-stdin does not apply here.", usage);
  let role: Role | undefined;
  if (options.role) {
    if (!isRole(values.role)) fail(values.role === undefined ? `Give a role with --role (${ROLES.join(", ")}).` : `Unknown role "${values.role}": use one of ${ROLES.join(", ")}.`, usage);
    role = values.role;
  }
  return { name: positionals[0]!, role, passwordStdin: values["password-stdin"] === true };
}

export function loadConfig(): GatewayConfig {
  try {
    return readGatewayConfig();
  } catch (err) {
    if (err instanceof ConfigError) fail(`Configuration error: ${err.message}`);
    throw err;
  }
}

export interface AuthStore {
  config: GatewayConfig;
  database: AuthDb;
  /** Where the users are, safe to print (a PostgreSQL URL without its password). */
  where: string;
}

/**
 * The auth database the gateways use (migrated, an earlier users.json imported), for a script
 * that changes users; close `database` when done.
 */
export async function openAuthStore(): Promise<AuthStore> {
  const config = loadConfig();
  // A SQLite auth database this script creates is owner-only, as the gateway keeps it.
  usePrivateUmask();
  const database = await prepareAuthDatabase(config.authDatabase, config.security.usersFile);
  return { config, database, where: `the auth database (${describeTarget(config.authDatabase)})` };
}

/** Runs `task`, turning a refused change into a message instead of a stack trace. */
export async function run(task: () => Promise<void>): Promise<void> {
  try {
    await task();
  } catch (err) {
    if (err instanceof UserStoreError) fail(err.message);
    throw err;
  }
}

/** The whole of stdin without its final line break (for `--password-stdin`). */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8").replace(/\r?\n$/, "");
}
