import { demo, SCHOOL_NAME, type DemoRole } from "./fixtures/demo";
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
  const children = page.locator("section.card");
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

test("the admin sees the school's head counts", async ({ page, signInPage }) => {
  await signInPage.signInAs("admin");
  const figure = (label: string) => page.locator(".figure").filter({ hasText: label }).locator("dd");
  await expect(figure("Students")).toHaveText("100");
  await expect(figure("Teachers")).toHaveText("14");
  await expect(figure("Guardians")).toHaveText("80");
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
});
