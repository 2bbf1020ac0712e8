import { expect, test } from "./fixtures/test";
import { demo } from "./fixtures/demo";

// The SPA is two builds (confero_core::bundle): parents get the small one,
// staff pages come with the staff build, and a plain-HTML frame shows at once.

test("a parent books without ever downloading the staff build", async ({ page, signInPage }) => {
  const fetched: string[] = [];
  page.on("request", (request) => fetched.push(new URL(request.url()).pathname));
  await signInPage.signInAs("parent");
  await page.getByRole("link", { name: "Book appointments" }).first().click();
  await expect(page.locator(".slot-picker .slots button").first()).toBeVisible();
  await page.getByRole("link", { name: "Profile" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Your profile" })).toBeVisible();
  expect(fetched.some((path) => path.endsWith(".wasm") && !path.startsWith("/staff/"))).toBe(true);
  expect(fetched.filter((path) => path.startsWith("/staff/")), "no staff file").toEqual([]);
});

test("a teacher signs in on the parent build and works in the staff build", async ({ page, signInPage }) => {
  const wasm: string[] = [];
  page.on("request", (request) => {
    const path = new URL(request.url()).pathname;
    if (path.endsWith(".wasm")) wasm.push(path);
  });
  await signInPage.signInAs("teacher");
  await expect(page.getByRole("heading", { level: 1, name: demo.teacher.heading })).toBeVisible();
  expect(wasm.some((path) => path.startsWith("/staff/"))).toBe(true);
  // Inside the staff build, shared pages need no further load.
  const before = wasm.length;
  await page.getByRole("link", { name: "Profile" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Your profile" })).toBeVisible();
  await page.getByRole("link", { name: "Classes" }).click();
  await expect(page.getByRole("heading", { level: 1, name: demo.teacher.heading })).toBeVisible();
  expect(wasm.length).toBe(before);
  // A reload of a staff page comes straight back in the staff build, still signed in.
  await page.reload();
  await expect(page.getByRole("heading", { level: 1, name: demo.teacher.heading })).toBeVisible();
});

test("the frame and a loading line show before the app, which then replaces them", async ({ page }) => {
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/*.wasm", async (route) => {
    await held;
    await route.continue();
  });
  await page.goto("/signin");
  const placeholder = page.locator("#boot");
  await expect(placeholder.getByRole("status")).toHaveText("Loading Confero…");
  await expect(placeholder.getByText("Confero", { exact: true })).toBeVisible();
  release();
  await expect(page.getByRole("heading", { level: 1, name: "Sign in" })).toBeVisible();
  await expect(placeholder).toHaveCount(0);
});

test("an unknown page says so in either build", async ({ page, signInPage }) => {
  await signInPage.signInAs("admin");
  await page.goto("/admin/no-such-page");
  await expect(page.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
  await page.goto("/no-such-page");
  await expect(page.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
});
