/**
 * A throwaway, fully migrated SQLite file per test suite. Migrations run once (with the real
 * `prisma migrate deploy`) into a template keyed by the migrations' content; each call copies it.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { ServiceName } from "../config.js";
import { migrateDatabase, prismaDir } from "../stack/migrateDatabase.js";

function migrationsHash(service: ServiceName): string {
  const dir = path.join(prismaDir(service), "migrations");
  const hash = crypto.createHash("sha256");
  for (const entry of fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).sort()) {
    const file = path.join(dir, entry);
    if (fs.statSync(file).isFile()) hash.update(entry).update(fs.readFileSync(file));
  }
  return hash.digest("hex").slice(0, 16);
}

const templates = new Map<ServiceName, Promise<string>>();

async function template(service: ServiceName): Promise<string> {
  const dir = path.join(os.tmpdir(), "ops-db-templates");
  const file = path.join(dir, `${service}-${migrationsHash(service)}.db`);
  if (fs.existsSync(file)) return file;
  const staging = path.join(dir, `${service}-${process.pid}-${crypto.randomUUID()}.db`);
  await migrateDatabase(service, staging);
  fs.renameSync(staging, file); // atomic: concurrent suites never see a half-migrated template
  return file;
}

/** A temp directory for one suite's files (databases, outbox), removed by `cleanup`. */
export function tempDir(prefix = "ops-test-"): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Copies the migrated template of `service` to `dir` and returns the new file's path. */
export async function freshDatabase(service: ServiceName, dir: string): Promise<string> {
  let t = templates.get(service);
  if (!t) {
    t = template(service);
    templates.set(service, t);
  }
  const file = path.join(dir, `${service}_service.db`);
  fs.copyFileSync(await t, file);
  return file;
}
