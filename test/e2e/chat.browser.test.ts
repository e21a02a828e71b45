import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveFullRuntime, type ServedRuntimeHandle } from "../server/servedPipeline.js";

// Debian's chromium package (.ci/run installs it: apt-get install -y chromium); no browser download.
const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
const LONG = 300_000;

describe.skipIf(!hasChromium)(`chat page in headless Chromium${hasChromium ? "" : ` (skipped: ${CHROMIUM} not found; apt-get install -y chromium)`}`, () => {
  let served: ServedRuntimeHandle;
  let browser: Browser;

  beforeAll(async () => {
    served = await serveFullRuntime({ sequences: 1 });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    });
  }, LONG);
  afterAll(async () => {
    await browser?.close();
    await served?.close();
  }, LONG);

  it("asks a question and shows a cited answer whose citation opens its source", async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(served.server.url + "/");
    await page.fill("#question", "How often should the intake air filter be replaced?");
    await page.click("#askButton");

    const marker = page.locator("#log .cite").first();
    await marker.waitFor({ state: "visible", timeout: 240_000 });
    expect(await page.locator("#log .sentence").allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining("90 days")]));

    await marker.click();
    await page.locator("#source").waitFor({ state: "visible" });
    expect(await page.textContent("#sourceTitle")).toMatch(/maintenance\.md$/);
    const quote = await page.textContent("#sourceQuote");
    expect(quote).toContain("90 days");
    // The passage around the quote is fetched from /v1/documents/{id}/chunks, the quote marked in it.
    await page.locator("#sourceContext mark").waitFor({ state: "visible" });
    expect(await page.textContent("#sourceContext mark")).toBe(quote);
    const passage = await page.textContent("#sourceContext");
    expect(passage!.length).toBeGreaterThan(quote!.length);
    // Clicking again while an earlier passage is still on its way (held back here) shows it once, not twice.
    await page.route("**/v1/documents/**", async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      await route.continue();
    });
    await marker.click();
    await marker.click();
    // Both held-back responses have arrived (three chunk fetches in all), and the page has handled them.
    await page.waitForFunction(() => performance.getEntriesByType("resource").filter((e) => e.name.includes("/chunks")).length >= 3);
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 100)));
    expect(await page.locator("#sourceContext mark").count()).toBe(1);
    expect(await page.textContent("#sourceContext")).toBe(passage);
    await page.locator("#log .meta").first().waitFor({ state: "visible", timeout: 240_000 });
    expect(errors).toEqual([]);
  }, LONG);

  it("shows an abstention clearly when the knowledge base has no answer", async () => {
    const page = await browser.newPage();
    await page.goto(served.server.url + "/");
    await page.fill("#question", "Who painted the Mona Lisa?");
    await page.click("#askButton");
    const notice = page.locator("#log .abstained").first();
    await notice.waitFor({ state: "visible", timeout: 240_000 });
    expect(await notice.textContent()).toContain("Not found in the knowledge base");
    expect(await page.locator("#log .cite").count()).toBe(0);
  }, LONG);
});
