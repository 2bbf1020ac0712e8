import { expect, test } from "./fixtures/test";

test("an admin sets up an evening as a draft and publishes it", async ({ page, signInPage }) => {
  await signInPage.signInAs("admin");
  await page.getByRole("link", { name: "New evening" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "New parents' evening" })).toBeVisible();

  // A mistake first: it is named at its field, and nothing is saved.
  await page.getByRole("button", { name: "Save as draft" }).click();
  await expect(page.getByLabel("Date")).toHaveAttribute("aria-invalid", "true");

  // Two months ahead, after the demo evening (two weeks ahead), so the demo
  // evening stays first in every family's and teacher's list (date order).
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  await page.getByLabel("Name").fill("Year 11 options evening");
  await page.getByLabel("Date").fill(day(60));
  await page.getByLabel("Starts").fill("16:00");
  await page.getByLabel("Ends").fill("15:00");
  await page.getByLabel("Booking opens").fill(`${day(-30)}T08:00`);
  await page.getByLabel("Booking closes").fill(`${day(59)}T12:00`);
  await page.getByLabel("Parents may cancel until").fill(`${day(60)}T09:00`);
  await page.getByRole("button", { name: "Save as draft" }).click();
  // The API refuses an evening that ends before it starts, at the date's field.
  await expect(page.getByLabel("Date")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("Date")).toHaveAccessibleDescription(/end after it starts/);

  await page.getByLabel("Ends").fill("18:00");
  await page.getByRole("button", { name: "Save as draft" }).click();
  await expect(page).toHaveURL("/admin");
  const evening = page.locator("li.evening").filter({ hasText: "Year 11 options evening" });
  await expect(evening).toContainText("Draft");
  await evening.getByRole("button", { name: "Publish Year 11 options evening" }).click();
  // It asks first, saying what publishing does.
  const question = evening.getByRole("group", { name: "Publish Year 11 options evening?" });
  await expect(question).toContainText("Families will see it");
  await question.getByRole("button", { name: "Yes, publish" }).click();
  await expect(evening).toContainText("Published");
});
