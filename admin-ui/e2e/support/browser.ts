/**
 * Headless Chromium for the journeys: the system's Chromium (Debian's `chromium` package, or
 * CHROMIUM_PATH), never a downloaded one; a Japanese, Japan-time context signed in as a user;
 * screenshots into the folder the README shows.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import type { E2eUser } from "./stack";

/** Where the journeys save their screenshots (README "Admin dashboard" shows them). */
export const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "screenshots");

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** The Chromium binary to drive, or an error saying how to get one. */
export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"];
  for (const c of candidates) if (c && fs.existsSync(c)) return c;
  try {
    const found = execFileSync("sh", ["-c", "command -v chromium || command -v chromium-browser"], { encoding: "utf8" }).trim();
    if (found) return found;
  } catch {
    // not on PATH either
  }
  throw new Error("No Chromium found for the browser tests: install it (Debian: `apt-get install -y chromium`) or set CHROMIUM_PATH.");
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: FLAGS, headless: true });
}

/** A fresh context (its own cookies) at the gateway's origin, in Japanese and Japan time. */
export async function newContext(browser: Browser, origin: string): Promise<BrowserContext> {
  const context = await browser.newContext({
    baseURL: origin,
    locale: "ja-JP",
    timezoneId: "Asia/Tokyo",
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
  });
  context.setDefaultTimeout(15_000);
  return context;
}

/** Signs in through the gateway's JSON route; the context keeps the session cookie. */
export async function signInByApi(context: BrowserContext, user: E2eUser): Promise<void> {
  const res = await context.request.post("/auth/login", { data: { username: user.username, password: user.password } });
  if (!res.ok()) throw new Error(`sign-in as ${user.username} failed: ${res.status()} ${await res.text()}`);
}

/**
 * A GraphQL call with the context's session (to set up data a journey is not about);
 * throws on any error so a broken setup cannot pass for a UI failure.
 */
export async function gql<T = Record<string, any>>(context: BrowserContext, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await context.request.post("/graphql", { data: { query, variables } });
  const body = (await res.json()) as { data?: T; errors?: unknown[] };
  if (!res.ok() || body.errors?.length || !body.data) throw new Error(`GraphQL setup failed (${res.status()}): ${JSON.stringify(body.errors ?? body)}`);
  return body.data;
}

/** Saves a full-page screenshot as `<name>.png` in SCREENSHOT_DIR. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Polls `check` until it returns true (for states that arrive through events). */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 20_000, what = "condition"): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
