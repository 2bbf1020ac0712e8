import { demo, SCHOOL_NAME, type DemoRole } from "./fixtures/demo";
import { tokenOf } from "./fixtures/new_school";
import { expect, test } from "./fixtures/test";

for (const role of ["parent", "teacher", "admin"] as DemoRole[]) {
  test(`the demo ${role} signs in and lands on their home page`, async ({ page, signInPage, shell }) => {
    await signInPage.signInAs(role);
    await expect(page.getByText(SCHOOL_NAME).first()).toBeVisible();
    await expect(shell.signOut).toBeVisible();
  });
}

test("the parent's home shows both children with their teachers", async ({ page, signInPage }) => {
  await signInPage.signInAs("parent");
  const children = page.locator("section.child-card");
  await expect(children).toHaveCount(2);
  for (const child of await children.all()) {
    await expect(child.getByRole("heading", { level: 2 })).toContainText("Patel");
    await expect(child.getByRole("listitem")).toHaveCount(8);
  }
  await expect(page.getByRole("link", { name: "Children" })).toHaveAttribute("aria-current", "page");
  await expect(page.getByRole("link", { name: "Classes" })).toHaveCount(0);
});

test("the teacher opens a class list", async ({ page, signInPage }) => {
  await signInPage.signInAs("teacher");
  await page.getByRole("link", { name: /Ma\s+Maths/ }).first().click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Maths");
  await expect(page.getByRole("heading", { level: 1 })).toBeFocused();
  await expect(page.getByRole("table").getByRole("row")).toHaveCount(21);
});

test("the admin sees the school's head counts", async ({ page, signInPage, request }) => {
  await signInPage.signInAs("admin");
  const figure = (label: string) => page.locator(".figure").filter({ hasText: label }).locator("dd");
  await expect(figure("Students")).toHaveText("100");
  await expect(figure("Teachers")).toHaveText("14");
  // Other tests erase a demo parent, so the parents' figure is the server's
  // count as it stands (80 at seeding).
  const token = await tokenOf(page);
  const summary = await (await request.get("/api/school/summary", { headers: { Authorization: `Bearer ${token}` } })).json();
  expect(summary.guardians).toBeGreaterThanOrEqual(79);
  await expect(figure("Guardians")).toHaveText(String(summary.guardians));
});

test("a wrong password is refused with a clear message", async ({ page, signInPage }) => {
  await signInPage.goto();
  await signInPage.signIn(demo.parent.email, "not-the-password");
  await expect(signInPage.alert).toContainText("don’t match");
  await expect(page).toHaveURL(/\/signin$/);
  expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
});

test("a malformed email is an error tied to the email field", async ({ signInPage }) => {
  await signInPage.goto();
  await signInPage.signIn("not-an-email", "whatever");
  await expect(signInPage.email).toHaveAttribute("aria-invalid", "true");
  await expect(signInPage.email).toHaveAccessibleDescription(/name@example\.org/);
  await expect(signInPage.password).not.toHaveAttribute("aria-invalid", "true");
});

test("signing in works with the keyboard alone", async ({ page, signInPage }) => {
  await signInPage.goto();
  await signInPage.email.focus();
  await page.keyboard.type(demo.teacher.email);
  await page.keyboard.press("Tab");
  await expect(signInPage.password).toBeFocused();
  await page.keyboard.type("confero-demo");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(demo.teacher.home);
  await expect(page.getByRole("heading", { level: 1, name: demo.teacher.heading })).toBeVisible();
});

test("an empty form names every missing field and moves focus to the first", async ({ page, signInPage }) => {
  await signInPage.goto();
  await signInPage.submit.click();
  await expect(page.getByText("Enter your email address")).toBeVisible();
  await expect(page.getByText("Enter your password")).toBeVisible();
  await expect(signInPage.email).toBeFocused();
  await expect(signInPage.email).toHaveAttribute("aria-invalid", "true");
});

test("after signing in, a deep link lands where it pointed", async ({ page, signInPage }) => {
  await page.goto("/account");
  await expect(page).toHaveURL(/\/signin\?next=%2Faccount$/);
  await signInPage.signIn(demo.teacher.email, "confero-demo");
  await expect(page).toHaveURL("/account");
  await expect(page.getByRole("heading", { level: 1, name: "Your account" })).toBeVisible();
});

test("kept signed in on a device: a new tab finds the session, and another device can sign it out", async ({ browser }) => {
  const phone = await browser.newContext();
  const first = await phone.newPage();
  await first.goto("/signin");
  await first.getByLabel("Email").fill(demo.parent.email);
  await first.getByLabel("Password", { exact: true }).fill("confero-demo");
  await first.getByLabel("Keep me signed in on this device").check();
  await first.getByRole("button", { name: "Sign in" }).click();
  await expect(first).toHaveURL("/parent");
  expect(await first.evaluate(() => localStorage.getItem("confero.session"))).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(await first.evaluate(() => sessionStorage.getItem("confero.session"))).toBeNull();
  // A new tab (or the installed app) of the same browser is signed in.
  const second = await phone.newPage();
  await second.goto("/parent");
  await expect(second.getByRole("heading", { level: 1, name: demo.parent.heading })).toBeVisible();

  // From a laptop, the parent sees the phone among their devices and signs it out.
  const laptop = await (await browser.newContext()).newPage();
  await laptop.goto("/signin");
  await laptop.getByLabel("Email").fill(demo.parent.email);
  await laptop.getByLabel("Password", { exact: true }).fill("confero-demo");
  await laptop.getByRole("button", { name: "Sign in" }).click();
  await laptop.getByRole("link", { name: "Account" }).click();
  const kept = laptop.getByRole("listitem").filter({ hasText: "Kept signed in until" }).first();
  await expect(kept).toBeVisible();
  await kept.getByRole("button", { name: /^Sign out / }).click();
  await expect(laptop.getByRole("listitem").filter({ hasText: "Kept signed in until" })).toHaveCount(0);
  await second.reload();
  await expect(second.getByRole("heading", { level: 1, name: "Sign in" })).toBeVisible();
  expect(await second.evaluate(() => localStorage.getItem("confero.session"))).toBeNull();
  await phone.close();
  await laptop.context().close();
});

test("a deep link to a staff page keeps its query through sign-in and the change of build", async ({ page, signInPage }) => {
  await page.goto("/admin/audit?days=7");
  await expect(page).toHaveURL(/\/signin\?next=%2Fadmin%2Faudit%3Fdays%3D7$/);
  await signInPage.signIn(demo.admin.email, "confero-demo");
  await expect(page).toHaveURL("/admin/audit?days=7");
  await expect(page.getByRole("heading", { level: 1, name: "Audit log" })).toBeVisible();
});
