/**
 * Accessibility checks with axe-core, run inside the page. The gateway's CSP (rightly) refuses
 * inline scripts, so the scanning context is opened with `bypassCSP` for the injected checker only.
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import type { Browser, Page } from "playwright-core";
import { signInByApi } from "./browser";
import type { E2eUser } from "./stack";

const require = createRequire(import.meta.url);
const AXE_SOURCE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** Serious and critical WCAG 2.1 A/AA violations on the page as it is now. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ content: AXE_SOURCE });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.join(" ")) }));
  });
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical");
}

/**
 * Serious violations per page, for the pages at `hashes`, seen by `user` — in a context of its
 * own that lets the checker's script in past the CSP (the app itself is unchanged).
 */
export async function scanPages(browser: Browser, origin: string, user: E2eUser, hashes: readonly string[]): Promise<Record<string, AxeViolation[]>> {
  const context = await browser.newContext({ baseURL: origin, locale: "ja-JP", timezoneId: "Asia/Tokyo", viewport: { width: 1280, height: 900 }, bypassCSP: true });
  try {
    await signInByApi(context, user);
    const page = await context.newPage();
    const found: Record<string, AxeViolation[]> = {};
    for (const hash of hashes) {
      await page.goto(`/${hash}`);
      await page.locator("h1").first().waitFor();
      await page.waitForLoadState("networkidle");
      const violations = await seriousViolations(page);
      if (violations.length) found[hash] = violations;
    }
    return found;
  } finally {
    await context.close();
  }
}
