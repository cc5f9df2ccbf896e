/**
 * Everything the stack keeps on disk — the SQLite databases with their WAL and shared-memory
 * files, the mail outbox, uploaded CSV files, users, API keys, secrets — holds customers'
 * personal data or credentials: it is readable by its owner only (files 0600, directories 0700),
 * never by the other accounts of the machine.
 */
import fs from "node:fs";
import path from "node:path";
import type { Logger } from "./logger.js";

export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/**
 * Makes every file and directory this process creates from now on owner-only (umask 077), so no
 * code path that creates one (SQLite, Prisma's migrations, a stream to disk) can forget. Call it
 * first thing in each entry point; it is process-wide, so never from library code or tests.
 */
export function usePrivateUmask(): void {
  process.umask(0o077);
}

/** Creates `dir` and its missing parents owner-only; an existing directory is left as it is. */
export function makePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}

/** The files SQLite keeps for the database at `dbPath`. */
export function sqliteFiles(dbPath: string): string[] {
  return [dbPath, `${dbPath}-wal`, `${dbPath}-shm`, `${dbPath}-journal`];
}

export interface Tightened {
  /** Files whose group or other permissions were taken away. */
  changed: string[];
  /** Files that could not be changed (not ours, read-only file system), with the reason. */
  failed: { file: string; error: string }[];
}

/**
 * Takes the group and other permissions away from each of `files` that exists and has any (files
 * written before this rule, or by a process with a looser umask). Missing files are skipped.
 */
export function tightenFiles(files: readonly string[]): Tightened {
  const result: Tightened = { changed: [], failed: [] };
  for (const file of files) {
    try {
      const { mode } = fs.statSync(file);
      if ((mode & 0o077) === 0) continue;
      fs.chmodSync(file, mode & 0o700);
      result.changed.push(file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== "ENOENT") result.failed.push({ file, error: code ?? String(err) });
    }
  }
  return result;
}

/** `tightenFiles` for the regular files directly inside `dir` (uploads), none when it is missing. */
export function tightenFilesIn(dir: string): Tightened {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { changed: [], failed: [] };
    throw err;
  }
  return tightenFiles(entries.filter((e) => e.isFile()).map((e) => path.join(dir, e.name)));
}

/** Logs what `tightenFiles` did: each change once (info), each failure as a warning. */
export function logTightened(logger: Logger, result: Tightened): void {
  if (result.changed.length > 0) logger.info("made data files readable by their owner only (0600)", { files: result.changed });
  for (const { file, error } of result.failed) logger.warn("could not make a data file private: others on this machine may read it", { file, error });
}
