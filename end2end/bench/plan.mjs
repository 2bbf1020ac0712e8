// `cargo xtask bench plan`, in the browser: "Plan my evening"'s solver on
// the benchmark evenings (confero_core::plan::examples), in the release wasm
// build of the picker benchmark page, timed with performance.now() around
// each call in headless Chromium.
//
// Usage: node bench/plan.mjs <built bench dir> [runs]   (one JSON line per case)
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

const [dir, runsArg] = process.argv.slice(2);
if (!dir) {
  console.error("usage: node bench/plan.mjs <built bench dir> [runs]");
  process.exit(2);
}
const runs = Number(runsArg ?? 200);
const launch = JSON.parse(readFileSync(new URL("../chromium.json", import.meta.url), "utf8"));
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? launch.executablePath, args: launch.args });
const page = await browser.newPage();
const types = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm", ".css": "text/css" };
await page.route("http://plan.bench/**", (route) => {
  let path = new URL(route.request().url()).pathname;
  if (path === "/") path = "/index.html";
  const ext = path.slice(path.lastIndexOf("."));
  route.fulfill({ body: readFileSync(join(dir, path)), contentType: types[ext] ?? "application/octet-stream" });
});
await page.goto("http://plan.bench/");
await page.waitForFunction(() => window.wasmBindings?.solve_plan);

const results = await page.evaluate((runs) => {
  const wasm = window.wasmBindings;
  const names = wasm.plan_cases();
  return names.map((name, index) => {
    for (let i = 0; i < Math.max(1, runs / 10); i++) wasm.solve_plan(index);
    const micros = [];
    let placed = 0;
    for (let i = 0; i < runs; i++) {
      const began = performance.now();
      placed = wasm.solve_plan(index);
      micros.push((performance.now() - began) * 1000);
    }
    micros.sort((a, b) => a - b);
    const round = (us) => Math.round(us * 10) / 10;
    return {
      case: name,
      engine: "wasm (Chromium)",
      runs,
      median_us: round(micros[Math.floor(runs / 2)]),
      p90_us: round(micros[Math.floor((runs * 9) / 10)]),
      max_us: round(micros[runs - 1]),
      placed,
    };
  });
}, runs);
for (const line of results) console.log(JSON.stringify(line));
await browser.close();
