import { chromium } from "@playwright/test";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { chromiumLaunch } from "../playwright.config";
import { expect, test } from "./fixtures/test";

test("Chromium reports the app installable", async ({ baseURL }) => {
  // Ordinary contexts are incognito, which is never installable: use a persistent one.
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "confero-pwa-"));
  const context = await chromium.launchPersistentContext(profile, { ...chromiumLaunch, headless: true, baseURL });
  try {
    const page = await context.newPage();
    await page.goto("/signin");
    await page.evaluate(() => navigator.serviceWorker.ready);
    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = await cdp.send("Page.getInstallabilityErrors");
    expect(installabilityErrors).toEqual([]);
    const manifest = await (await page.request.get("/manifest.webmanifest")).json();
    expect(manifest.display).toBe("standalone");
    expect(manifest.icons.map((i: { sizes: string }) => i.sizes)).toEqual(expect.arrayContaining(["192x192", "512x512"]));
    expect(await context.cookies()).toEqual([]);
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
});

test("the service worker caches the app shell but never the API", async ({ page, signInPage }) => {
  await signInPage.goto();
  await page.evaluate(() => navigator.serviceWorker.ready);
  await signInPage.signInAs("parent");
  const cached: string[] = await page.evaluate(async () => {
    const urls: string[] = [];
    for (const name of await caches.keys()) {
      for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname);
    }
    return urls;
  });
  expect(cached).toContain("/");
  expect(cached.some((u) => u.endsWith(".wasm"))).toBe(true);
  expect(cached.filter((u) => u.startsWith("/api"))).toEqual([]);
});
