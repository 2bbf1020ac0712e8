import { defineConfig } from "@playwright/test";
import chromium from "./chromium.json";

// The API serving the built SPA; `cargo xtask test` starts it and sets this.
const baseURL = process.env.CONFERO_BASE_URL ?? "http://127.0.0.1:8080";

/** Debian's Chromium, quiet on a machine with no outside network (shared with bench/). */
export const chromiumLaunch = {
  executablePath: process.env.CHROMIUM_PATH ?? chromium.executablePath,
  args: chromium.args,
};

export default defineConfig({
  testDir: "./tests",
  outputDir: "./test-results",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: 2,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL,
    browserName: "chromium",
    headless: true,
    launchOptions: chromiumLaunch,
    viewport: { width: 1280, height: 800 },
    trace: "off",
    screenshot: "only-on-failure",
  },
});
