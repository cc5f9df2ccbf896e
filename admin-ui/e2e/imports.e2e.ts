/**
 * Bulk import in the browser: a file with one bad row goes through the dry-run preview, is
 * imported, and its error report downloads with that row; a larger file shows its live progress;
 * the batch page shows what the three services made of it.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { writeImportFile } from "../../gateway/bench/importFile";
import { scanPages } from "./support/axe";
import { gql, launchBrowser, newContext, screenshot, signInByApi } from "./support/browser";
import { startWorld, USERS, type E2eWorld } from "./support/stack";

const EXAMPLE = path.resolve(import.meta.dirname, "..", "..", "subgraphs", "order", "examples", "orders-example.csv");

let world: E2eWorld;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let files: string;

beforeAll(async () => {
  files = fs.mkdtempSync(path.join(os.tmpdir(), "ops-e2e-csv-"));
  world = await startWorld();
  browser = await launchBrowser();
  context = await newContext(browser, world.origin);
  await signInByApi(context, USERS.operator);
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await world?.close();
  if (files) fs.rmSync(files, { recursive: true, force: true });
});

const status = () => page.locator('[data-test="import-status"]');

describe("bulk import in the browser", () => {
  it("previews a file with one bad row, imports it, and downloads the error report naming that row", async () => {
    // The documented example (6 orders) plus an order whose quantity is not a number: row 13.
    const csv = path.join(files, "orders-with-one-bad-row.csv");
    fs.writeFileSync(csv, fs.readFileSync(EXAMPLE, "utf8").replace(/\r?\n?$/, "\r\n") + "EX-1006,ken.kato@example.jp,加藤 健,信楽焼 マグカップ,たくさん,2200,JPY,credit_card,completed\r\n");

    await page.goto("/#/imports/new");
    await page.locator('[data-test="import-file"]').setInputFiles(csv);
    await page.locator('[data-test="import-dry-run"]').click();
    const summary = page.locator('[data-test="dry-run-summary"]');
    await summary.waitFor({ timeout: 30_000 });
    const errorRows = page.locator('[data-test="import-error-row"]');
    await expect.poll(() => errorRows.count()).toBe(1);
    const errorText = (await errorRows.first().textContent())!;
    expect(errorText).toContain("13");
    expect(errorText).toContain("quantity");
    expect(errorText).toContain("たくさん");
    // The preview says what a real run would do: 6 orders from the 10 good rows.
    expect(await summary.textContent()).toMatch(/6/);
    await screenshot(page, "import-preview");

    await page.locator('[data-test="import-start"]').click();
    await page.waitForURL(/#\/imports\/\d+$/, { timeout: 30_000 });
    await expect.poll(() => status().getAttribute("data-status"), { timeout: 30_000 }).toBe("COMPLETED_WITH_ERRORS");
    await expect.poll(() => errorRows.count()).toBe(1);

    const [download] = await Promise.all([page.waitForEvent("download"), page.locator('[data-test="error-report"]').click()]);
    const report = fs.readFileSync((await download.path())!, "utf8");
    expect(report).toContain("13");
    expect(report).toContain("quantity");
    expect(report).toContain("たくさん");

    // The batch: its orders, payments and notifications from the three services.
    await page.locator('[data-test="batch-link"]').first().click();
    await page.waitForURL(/#\/batches\//);
    await expect.poll(() => page.locator('[data-test="batch-orders"]').textContent()).toContain("山田 太郎");
    await page.locator('[data-test="batch-payments"]').waitFor();
    await page.locator('[data-test="batch-notifications"]').waitFor();
  });

  it("shows a larger import's live progress with rate and time left, then its history", async () => {
    const csv = path.join(files, "orders-200k.csv");
    // Large enough to take several seconds, so the page shows it running between polls.
    writeImportFile(csv, 200_000, 11);
    await page.goto("/#/imports/new");
    await page.locator('[data-test="import-file"]').setInputFiles(csv);
    await page.locator('[data-test="import-start"]').click();
    await page.waitForURL(/#\/imports\/\d+$/, { timeout: 30_000 });
    const progress = page.locator('[data-test="import-progress"]');
    let sawRunning = false;
    let sawWriting = false;
    const until = Date.now() + 60_000;
    for (;;) {
      const state = await status().getAttribute("data-status").catch(() => null);
      const value = Number(await progress.getAttribute("value").catch(() => null));
      if (state === "RUNNING" && value > 0 && !sawRunning) {
        sawRunning = true;
        expect(await page.locator('[data-test="import-rate"]').textContent()).toMatch(/\d/);
        await screenshot(page, "import-progress");
      }
      // A picture once the page has observed the writing rate shows the time left too; take it if a poll catches one.
      const eta = state === "RUNNING" ? await page.locator('[data-test="import-eta"]').textContent().catch(() => "") : "";
      if (state === "RUNNING" && /\d/.test(eta ?? "") && !sawWriting) {
        sawWriting = true;
        await screenshot(page, "import-progress");
      }
      if (state === "COMPLETED") break;
      if (Date.now() > until) throw new Error(`import did not complete in 60 s (last status ${state})`);
      await page.waitForTimeout(100);
    }
    expect(sawRunning).toBe(true);
    await page.goto("/#/imports");
    await expect.poll(() => page.locator('[data-test="import-row"]').count()).toBeGreaterThanOrEqual(2);
    await screenshot(page, "imports");
  });

  it("warns in the dry run that a file already imported would be refused as a duplicate", async () => {
    await page.goto("/#/imports/new");
    await page.locator('[data-test="import-file"]').setInputFiles(path.join(files, "orders-with-one-bad-row.csv"));
    await page.locator('[data-test="import-dry-run"]').click();
    const warning = page.locator('[data-test="dry-run-duplicate"]');
    await warning.waitFor({ timeout: 30_000 });
    expect(await warning.locator("a").getAttribute("href")).toMatch(/#\/imports\/\d+$/);
  });

  it("has no serious accessibility violations (axe-core, WCAG 2.1 AA) on the import screens", async () => {
    const { imports } = await gql(context, "{ imports(first: 1, status: [COMPLETED]) { edges { node { id batchId } } } }");
    const done = imports.edges[0].node;
    // The history, a new import, the dry run with its error (#1), a finished import and its batch.
    const pages = ["#/imports", "#/imports/new", "#/imports/1", `#/imports/${done.id}`, `#/batches/${done.batchId}`];
    expect(await scanPages(browser, world.origin, USERS.admin, pages)).toEqual({});
  });
});
