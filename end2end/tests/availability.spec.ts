import { OutboxPage } from "./fixtures/outbox_page";
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

// Mr Whitfield and the Mensah family: no other spec signs in as them. Only
// his last time is booked and then cut, so no other spec's booking is touched.
test("narrowing hours over a booking is refused, listing it, then done explicitly with the family told", async ({ page, browser, signInPage }) => {
  const family = await browser.newContext();
  const parent = await family.newPage();
  await parent.goto("/signin");
  await parent.getByLabel("Email").fill("carys.mensah.13@families.demo.confero.test");
  await parent.getByLabel("Password").fill("confero-demo");
  await parent.getByRole("button", { name: "Sign in" }).click();
  await parent.getByRole("link", { name: "Book appointments" }).first().click();
  const last = parent.getByRole("button", { name: /^Book 18:45 with Mr Whitfield for / }).first();
  const child = (await last.getAttribute("aria-label"))!.match(/ for (.+)$/)![1];
  await last.click();
  await expect(parent.getByRole("status").filter({ hasText: "Booked:" })).toBeVisible();

  await signInPage.goto();
  await signInPage.signIn("jonah.whitfield@demo.confero.test", "confero-demo");
  await page.getByRole("link", { name: "Your schedule" }).first().click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Your schedule");
  await page.getByText("Your room and hours").click();
  await page.getByLabel("Until").fill("18:40");
  await page.getByRole("button", { name: "Save", exact: true }).click();

  // Refused, naming the appointment; nothing changed.
  const refusal = page.getByRole("alert").filter({ hasText: "Not saved" });
  await expect(refusal).toContainText(`18:45–18:53 · ${child}`);
  await expect(page.locator(".schedule-row").filter({ hasText: "18:45" })).toContainText(child);

  // Done explicitly: the booking is cancelled with the change.
  await refusal.getByRole("button", { name: /^Cancel it and save/ }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved" })).toBeVisible();
  await expect(page.locator(".schedule-row").filter({ hasText: "18:45" })).toHaveCount(0);

  // The family's page no longer has it; the office's outbox has their email.
  await parent.reload();
  await expect(parent.getByRole("region", { name: "Your appointments" }).getByRole("listitem")).toHaveCount(0);
  await family.close();
  await page.getByRole("button", { name: "Sign out" }).click();
  await signInPage.signInAs("admin");
  const outbox = new OutboxPage(page);
  await expect(async () => {
    await outbox.goto();
    await expect(outbox.message("carys.mensah.13@families.demo.confero.test", /cancelled/i)).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 15_000 });
});
