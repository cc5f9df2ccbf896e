#!/usr/bin/env node
/**
 * Run before `npm start` (the root `prestart`): builds the admin UI when `dist/` is missing or
 * older than its sources, so the gateway serves the current app rather than the placeholder.
 * Type-checking stays with `npm test` / `npm run build:ui`; this only bundles (a few seconds).
 * Without Vite (an install that omitted dev dependencies) it says so and lets the stack start.
 * `--strict` (the browser tests) exits 1 instead when the UI cannot be built.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const builtIndex = path.join(root, "dist", "index.html");
// The order form, payment actions and template checks take their rules from `@ops/rules`.
const SOURCES = ["src", "public", "index.html", "vite.config.ts", "package.json", "tsconfig.json", "../rules/src"];

/** Newest modification time among the files under `p` that end up in the bundle. */
function newest(p) {
  let stat;
  try {
    stat = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return /\.test\.ts$/.test(p) ? 0 : stat.mtimeMs;
  if (path.basename(p) === "__tests__" || path.basename(p) === "test") return 0;
  return fs.readdirSync(p).reduce((max, name) => Math.max(max, newest(path.join(p, name))), 0);
}

function builtAt() {
  try {
    return fs.statSync(builtIndex).mtimeMs;
  } catch {
    return 0;
  }
}

const strict = process.argv.includes("--strict");
const sourcesAt = Math.max(...SOURCES.map((s) => newest(path.join(root, s))));
const built = builtAt();
if (built >= sourcesAt) process.exit(0);

console.log(built ? "Admin UI sources changed since the last build: rebuilding admin-ui/dist ..." : "Building the admin UI (admin-ui/dist) ...");
let vite;
try {
  vite = await import("vite");
} catch {
  console.warn("Vite is not installed (dev dependencies omitted?): the gateway will serve the placeholder page. Run `npm install` then `npm run build:ui`.");
  process.exit(strict ? 1 : 0);
}
try {
  await vite.build({ root, configFile: path.join(root, "vite.config.ts"), logLevel: "warn" });
  console.log("Admin UI built.");
} catch (err) {
  console.error(`Building the admin UI failed: ${err instanceof Error ? err.message : String(err)}`);
  console.error("Fix it (npm run build:ui shows the details); the gateway serves the previous build or the placeholder meanwhile.");
  if (strict) process.exit(1);
}
