import { expect, test } from "./fixtures/test";

// Ms Raman: no other spec uses her, so her settings can change here.
test("a teacher sets their room and blocks a slot, and families see it", async ({ page, browser, signInPage }) => {
  await signInPage.goto();
  await signInPage.signIn("priya.raman@demo.confero.test", "confero-demo");
  await page.getByRole("link", { name: "Your schedule" }).first().click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Your schedule");

  await page.getByText("Your room and hours").click();
  await page.getByLabel("Room").fill("M9");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved" })).toBeVisible();
  await expect(page.locator(".lead")).toContainText("M9");

  const block = page.getByRole("button", { name: /^Block \d\d:\d\d$/ }).first();
  const time = (await block.getAttribute("aria-label"))!.replace("Block ", "");
  await block.click();
  await expect(page.getByRole("button", { name: `Unblock ${time}` })).toBeVisible();

  // A family with a child in Ms Raman's class sees that time as unavailable.
  const family = await browser.newContext();
  const parent = await family.newPage();
  await parent.goto("/signin");
  await parent.getByLabel("Email").fill("linh.williams.1@families.demo.confero.test");
  await parent.getByLabel("Password").fill("confero-demo");
  await parent.getByRole("button", { name: "Sign in" }).click();
  await parent.getByRole("link", { name: "Book appointments" }).first().click();
  const raman = parent.locator(".teacher-row").filter({ hasText: "Ms Raman" });
  await expect(raman.getByRole("button", { name: `${time}, unavailable` })).toBeVisible();
  await expect(raman).toContainText("M9");
  await family.close();

  await page.getByRole("button", { name: `Unblock ${time}` }).click();
  await expect(page.getByRole("button", { name: `Block ${time}` })).toBeVisible();
});
