/** Applies a service's pending Prisma migrations to one SQLite file (`prisma migrate deploy`). */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { REPO_ROOT, type ServiceName } from "../config.js";

const require = createRequire(import.meta.url);

/** The folder holding a service's schema, config and migrations. */
export function prismaDir(service: ServiceName): string {
  return path.join(REPO_ROOT, "prisma", service);
}

export async function migrateDatabase(service: ServiceName, dbPath: string): Promise<void> {
  fs.mkdirSync(path.dirname(dbPath), { recursive: true });
  const cli = require.resolve("prisma/build/index.js");
  const args = [cli, "migrate", "deploy", "--config", path.join(prismaDir(service), "prisma.config.ts")];
  const env = { ...process.env, [`${service.toUpperCase()}_DB_PATH`]: dbPath, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" };
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code === 0) resolve();
      else reject(new Error(`prisma migrate deploy for ${service} failed (exit ${code}):\n${output}`));
    });
  });
}
