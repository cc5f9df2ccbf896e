/** `prisma migrate diff --script` between two datamodels, offline (prisma/diff.config.ts). */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { promisify } from "node:util";
import { REPO_ROOT } from "../config.js";

const require = createRequire(import.meta.url);
const run = promisify(execFile);

/**
 * The SQL Prisma would run to turn datamodel `from` (schema text; null for an empty database) into
 * `to`, for `to`'s provider. Empty when nothing changes.
 */
export async function prismaDiff(from: string | null, to: string): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ops-prisma-diff-"));
  try {
    const toFile = path.join(dir, "to.prisma");
    fs.writeFileSync(toFile, to);
    const fromArgs = from === null ? ["--from-empty"] : ["--from-schema-datamodel", path.join(dir, "from.prisma")];
    if (from !== null) fs.writeFileSync(path.join(dir, "from.prisma"), from);
    const cli = require.resolve("prisma/build/index.js");
    const args = [cli, "migrate", "diff", "--config", path.join(REPO_ROOT, "prisma", "diff.config.ts"), ...fromArgs, "--to-schema-datamodel", toFile, "--script"];
    const env = { ...process.env, OPS_DIFF_SCHEMA: toFile, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" };
    const { stdout } = await run(process.execPath, args, { cwd: REPO_ROOT, env, maxBuffer: 16 << 20 });
    return stdout.includes("-- This is an empty migration.") ? "" : stdout;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
