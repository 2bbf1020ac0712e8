// `cargo xtask bench lighthouse`: Lighthouse's mobile preset (simulated slow
// 4G, a 4× slower CPU) on the sign-in page and on the demo parent's booking
// page, several runs each, in Debian's Chromium driven by puppeteer-core
// (Lighthouse's own dependency).
//
// The booking page needs a signed-in parent: the page signs in first, then
// its service worker, cache storage and HTTP cache are cleared, and
// Lighthouse keeps the session (`disableStorageReset`) — a cold load of the
// page by a parent who is signed in.
//
// Usage: node tools/lighthouse/run.mjs <base-url> [runs]   (JSON last line)
import { readFileSync } from "node:fs";
import lighthouse from "lighthouse";
import puppeteer from "puppeteer-core";

const [base, runsArg] = process.argv.slice(2);
if (!base) {
  console.error("usage: node tools/lighthouse/run.mjs <base-url> [runs]");
  process.exit(2);
}
const runs = Number(runsArg ?? 3);
const launch = JSON.parse(readFileSync(new URL("../../end2end/chromium.json", import.meta.url), "utf8"));

async function measure(url, signIn) {
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM_PATH ?? launch.executablePath,
    args: launch.args,
    headless: true,
  });
  try {
    const page = await browser.newPage();
    if (signIn) {
      await page.goto(new URL("/signin", base).href);
      await page.locator("::-p-aria(Email)").fill("parent@demo.confero.test");
      await page.locator("::-p-aria(Password)").fill("confero-demo");
      await page.locator("::-p-aria(Sign in[role=\"button\"])").click();
      await page.waitForSelector("::-p-aria(Book appointments)");
      const cdp = await page.createCDPSession();
      await cdp.send("Storage.clearDataForOrigin", {
        origin: new URL(base).origin,
        storageTypes: "service_workers,cache_storage",
      });
      await cdp.send("Network.clearBrowserCache");
    }
    const result = await lighthouse(url, { onlyCategories: ["performance"], disableStorageReset: signIn, logLevel: "error" }, undefined, page);
    const report = result.lhr;
    const landed = new URL(report.finalDisplayedUrl).pathname;
    if (landed !== new URL(url).pathname) {
      throw new Error(`Lighthouse measured ${landed}, not ${new URL(url).pathname}`);
    }
    if (report.runtimeError) throw new Error(report.runtimeError.message);
    const audit = (id) => report.audits[id]?.numericValue ?? NaN;
    return {
      score: Math.round(report.categories.performance.score * 100),
      fcp: audit("first-contentful-paint"),
      lcp: audit("largest-contentful-paint"),
      tbt: audit("total-blocking-time"),
      cls: audit("cumulative-layout-shift"),
      si: audit("speed-index"),
    };
  } finally {
    await browser.close();
  }
}

function range(values, digits = 0) {
  const lo = Math.min(...values).toFixed(digits);
  const hi = Math.max(...values).toFixed(digits);
  return lo === hi ? lo : `${lo}–${hi}`;
}

// The booking page's address: the first evening the demo parent may book.
async function bookingUrl() {
  const browser = await puppeteer.launch({ executablePath: process.env.CHROMIUM_PATH ?? launch.executablePath, args: launch.args, headless: true });
  try {
    const page = await browser.newPage();
    await page.goto(new URL("/signin", base).href);
    await page.locator("::-p-aria(Email)").fill("parent@demo.confero.test");
    await page.locator("::-p-aria(Password)").fill("confero-demo");
    await page.locator("::-p-aria(Sign in[role=\"button\"])").click();
    const link = await page.waitForSelector("::-p-aria(Book appointments)");
    return new URL(await link.evaluate((a) => a.getAttribute("href")), base).href;
  } finally {
    await browser.close();
  }
}

const pages = [
  ["sign-in page", new URL("/signin", base).href, false],
  ["parent's booking page", await bookingUrl(), true],
];
const results = {};
for (const [name, url, signIn] of pages) {
  const samples = [];
  for (let i = 0; i < runs; i++) samples.push(await measure(url, signIn));
  results[name] = samples;
  console.log(`\n${name} (${new URL(url).pathname}), ${runs} runs, Lighthouse ${lighthouseVersion()} mobile preset:`);
  console.log(`  performance ${range(samples.map((s) => s.score))} (target ≥ 95)`);
  console.log(`  first contentful paint ${range(samples.map((s) => s.fcp))} ms, largest contentful paint ${range(samples.map((s) => s.lcp))} ms`);
  console.log(`  total blocking time ${range(samples.map((s) => s.tbt))} ms, speed index ${range(samples.map((s) => s.si))} ms, layout shift ${range(samples.map((s) => s.cls), 3)}`);
}
console.log(JSON.stringify(results));

function lighthouseVersion() {
  return JSON.parse(readFileSync(new URL("./node_modules/lighthouse/package.json", import.meta.url), "utf8")).version;
}
