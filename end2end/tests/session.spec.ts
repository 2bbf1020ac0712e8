import { demo } from "./fixtures/demo";
import { SignInPage } from "./fixtures/sign_in_page";
import { expect, test } from "./fixtures/test";

test("a reload keeps the session", async ({ page, signInPage }) => {
  await signInPage.signInAs("parent");
  await page.reload();
  await expect(page.getByRole("heading", { level: 1, name: demo.parent.heading })).toBeVisible();
});

test("a new browser context starts signed out", async ({ browser, signInPage }) => {
  await signInPage.signInAs("parent");
  const other = await browser.newContext();
  const page = await other.newPage();
  await page.goto("/parent");
  await expect(page).toHaveURL(/\/signin(\?next=.*)?$/);
  await expect(new SignInPage(page).heading).toBeVisible();
  expect(await other.cookies()).toEqual([]);
  await other.close();
});

test("signing out revokes the token on the server", async ({ page, request, signInPage, shell }) => {
  await signInPage.signInAs("parent");
  const token = await shell.token();
  expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  const auth = { Authorization: `Bearer ${token}` };
  expect((await request.get("/api/me", { headers: auth })).status()).toBe(200);

  await shell.signOut.click();
  await expect(signInPage.heading).toBeVisible();
  expect(await shell.token()).toBeNull();
  expect((await request.get("/api/me", { headers: auth })).status()).toBe(401);
  // Signing out is not an "ended" session: no notice.
  await expect(signInPage.notice).toHaveCount(0);
});

test("a session revoked elsewhere sends you to sign in with a notice", async ({ page, request, signInPage, shell }) => {
  await signInPage.signInAs("teacher");
  const token = await shell.token();
  expect((await request.delete("/api/session", { headers: { Authorization: `Bearer ${token}` } })).status()).toBe(204);
  await page.reload();
  await expect(signInPage.heading).toBeVisible();
  await expect(signInPage.notice).toBeVisible();
  expect(await shell.token()).toBeNull();
  // The notice outlives a reload (the live sign-out may have come before the one above).
  await page.reload();
  await expect(signInPage.notice).toBeVisible();
});

test("the token never appears in a URL or in localStorage", async ({ page, signInPage, shell }) => {
  const urls: string[] = [];
  page.on("request", (r) => urls.push(r.url()));
  await signInPage.signInAs("parent");
  await page.getByRole("link", { name: "Account" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Your account" })).toBeVisible();
  const token = (await shell.token())!;
  expect(urls.filter((u) => u.includes(token))).toEqual([]);
  expect(page.url()).not.toContain(token);
  expect(await page.evaluate(() => localStorage.length)).toBe(0);
});

test("changing the password keeps this session and ends the others", async ({ page, signInPage, request }) => {
  // An account no other test uses, since its password changes here.
  const email = "siobhan.abara.45@families.demo.confero.test";
  await signInPage.goto();
  await signInPage.signIn(email, "confero-demo");
  await expect(page).toHaveURL("/parent");
  // A second session of the same account, as on another device.
  const elsewhere = await (await request.post("/api/session", { data: { email, password: "confero-demo" } })).json();

  await page.getByRole("link", { name: "Account" }).click();
  await page.getByLabel("Current password").fill("confero-demo");
  await page.getByLabel("New password", { exact: true }).fill("a brand new passphrase");
  await page.getByLabel("Repeat the new password").fill("a brand new passphrase");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Password changed" })).toBeVisible();

  const auth = { Authorization: `Bearer ${elsewhere.token}` };
  expect((await request.get("/api/me", { headers: auth })).status()).toBe(401);
  await page.reload();
  await expect(page.getByRole("heading", { level: 1, name: "Your account" })).toBeVisible();
});
