// `cargo xtask bench picker`: the first render of a 60-teacher × 30-slot
// slot picker in the release build, against plain DOM building the same
// cells with the same markup element by element (the target's baseline) and
// row by row as one string each (as the picker does), interleaved in one
// headless Chromium run; then one live update (event in → the cell's class
// changed).
//
// Usage: node bench/picker.mjs <built bench dir> [runs]   (JSON last line)
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

const [dir, runsArg] = process.argv.slice(2);
if (!dir) {
  console.error("usage: node bench/picker.mjs <built bench dir> [runs]");
  process.exit(2);
}
const runs = Number(runsArg ?? 15);
const launch = JSON.parse(readFileSync(new URL("../chromium.json", import.meta.url), "utf8"));
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? launch.executablePath, args: launch.args });
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
const types = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm", ".css": "text/css" };
await page.route("http://picker.bench/**", (route) => {
  let path = new URL(route.request().url()).pathname;
  if (path === "/") path = "/index.html";
  const ext = path.slice(path.lastIndexOf("."));
  route.fulfill({ body: readFileSync(join(dir, path)), contentType: types[ext] ?? "application/octet-stream" });
});
await page.goto("http://picker.bench/");
await page.waitForFunction(() => window.wasmBindings?.render_grid);

const result = await page.evaluate(async (runs) => {
  const grid = document.getElementById("grid");
  const TEACHERS = 60, SLOTS = 30;
  // The same cells as src/bin/picker_bench.rs.
  function cell(teacher, i) {
    const n = teacher * SLOTS + i;
    const state = n % 5 === 0 ? "taken" : n % 11 === 0 ? "blocked" : n % 13 === 0 ? "mine" : "free";
    const clash = state === "free" && n % 7 === 0 ? "you are with Mr Patel then" : null;
    const minutes = 16 * 60 + 10 * i;
    const time = `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
    const note = state === "free" ? clash : state === "mine" ? "yours" : state === "blocked" ? "unavailable" : "taken";
    return {
      time,
      start: `2026-12-02T${time}:00+00:00`,
      note,
      label: note === null ? `Book ${time} with Teacher ${teacher} for Amelia` : `${time}, ${note}`,
      className: state === "free" ? (clash ? "slot slot-clash" : "slot slot-free") : `slot slot-${state}`,
    };
  }
  function row(teacher, fill) {
    const picker = document.createElement("div");
    picker.className = "slot-picker";
    const summary = document.createElement("p");
    summary.className = "meta slot-summary";
    const list = document.createElement("ul");
    list.className = "slots";
    list.setAttribute("role", "list");
    const cells = Array.from({ length: SLOTS }, (_, i) => cell(teacher, i));
    fill(list, cells);
    summary.textContent = `${cells.filter((c) => c.note === null).length} of ${SLOTS} times free`;
    picker.append(summary, list);
    grid.append(picker);
  }
  // Element by element, with plain DOM calls.
  function plain() {
    for (let teacher = 1; teacher <= TEACHERS; teacher++) {
      row(teacher, (list, cells) => {
        for (const c of cells) {
          const item = document.createElement("li");
          const button = document.createElement("button");
          button.type = "button";
          button.className = c.className;
          button.dataset.start = c.start;
          button.setAttribute("aria-label", c.label);
          button.setAttribute("title", c.label);
          if (c.note !== null) {
            button.setAttribute("aria-disabled", "true");
            button.disabled = true;
          }
          button.textContent = c.time;
          item.append(button);
          list.append(item);
        }
      });
    }
  }
  // Each row's buttons as one string of markup, as the Leptos picker now does.
  function plainMarkup() {
    for (let teacher = 1; teacher <= TEACHERS; teacher++) {
      row(teacher, (list, cells) => {
        list.innerHTML = cells
          .map((c) => {
            const off = c.note === null ? "" : ' aria-disabled="true" disabled';
            return `<li><button type="button" class="${c.className}" data-start="${c.start}" aria-label="${c.label}" title="${c.label}"${off}>${c.time}</button></li>`;
          })
          .join("");
      });
    }
  }
  const contenders = {
    leptos: { render: () => window.wasmBindings.render_grid(), clear: () => window.wasmBindings.clear_grid() },
    plain: { render: plain, clear: () => grid.replaceChildren() },
    markup: { render: plainMarkup, clear: () => grid.replaceChildren() },
  };
  // A task boundary: every microtask queued so far (Leptos's effects) has run.
  const afterMicrotasks = () =>
    new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => resolve();
      channel.port2.postMessage(null);
    });
  const frame = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  const times = { leptos: [], plain: [], markup: [] };
  const names = Object.keys(contenders);
  for (let run = -2; run < runs; run++) {
    // Each run starts with the next contender, so none always goes first.
    const turn = ((run % names.length) + names.length) % names.length;
    for (const name of [...names.slice(turn), ...names.slice(0, turn)]) {
      const contender = contenders[name];
      await frame();
      const start = performance.now();
      contender.render();
      await afterMicrotasks(); // effects the render queued count too
      void grid.offsetHeight; // style and layout included
      const elapsed = performance.now() - start;
      const buttons = grid.querySelectorAll("button").length;
      if (buttons !== TEACHERS * SLOTS) throw new Error(`${name} drew ${buttons} buttons`);
      if (run >= 0) times[name].push(elapsed);
      contender.clear();
    }
  }
  // Live updates: slot 16:10 of Teacher 1 taken, then freed, again and again.
  window.wasmBindings.render_grid();
  await frame();
  const updates = [];
  const sameFrame = [];
  for (let run = 0; run < runs; run++) {
    const taken = run % 2 === 0;
    const button = [...grid.querySelectorAll("button")].find((b) => b.textContent === "16:10");
    const changed = new Promise((resolve) =>
      new MutationObserver((_, observer) => {
        observer.disconnect();
        resolve(performance.now());
      }).observe(button, { attributes: true, attributeFilter: ["class"] }),
    );
    let painted = null;
    requestAnimationFrame((t) => (painted = performance.now()));
    const start = performance.now();
    window.wasmBindings.live_update(1, 1, taken);
    const at = await changed;
    updates.push(at - start);
    sameFrame.push(painted === null || at <= painted);
    await frame();
  }
  window.wasmBindings.clear_grid();
  return { times, updates, sameFrame };
}, runs);
await browser.close();

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const leptos = median(result.times.leptos);
const plain = median(result.times.plain);
const markup = median(result.times.markup);
const update = median(result.updates);
const fmt = (x) => x.toFixed(1);
console.log(`\nFirst render of 60 teachers × 30 slots (1,800 buttons), ${runs} interleaved runs each, queued effects, style and layout included:`);
console.log(`  Leptos picker: median ${fmt(leptos)} ms (range ${fmt(Math.min(...result.times.leptos))}–${fmt(Math.max(...result.times.leptos))})`);
console.log(`  plain DOM:     median ${fmt(plain)} ms (range ${fmt(Math.min(...result.times.plain))}–${fmt(Math.max(...result.times.plain))})`);
console.log(`  ratio ${(leptos / plain).toFixed(2)} (target ≤ 1.3)`);
console.log(`  plain DOM, each row's markup as one string: median ${fmt(markup)} ms (range ${fmt(Math.min(...result.times.markup))}–${fmt(Math.max(...result.times.markup))}); Leptos against it: ${(leptos / markup).toFixed(2)}`);
console.log(`Live update, event → class changed: median ${update.toFixed(2)} ms, max ${Math.max(...result.updates).toFixed(2)} ms; before the next frame in ${result.sameFrame.filter(Boolean).length} of ${runs}`);
console.log(JSON.stringify({ picker_ratio: leptos / plain, leptos_ms: leptos, plain_ms: plain, markup_ms: markup, update_ms: update }));
