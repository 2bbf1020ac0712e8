import { expect, test } from "./fixtures/test";

test("an admin sets up an evening as a draft and publishes it", async ({ page, signInPage }) => {
  await signInPage.signInAs("admin");
  await page.getByRole("link", { name: "New evening" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "New parents' evening" })).toBeVisible();

  // A mistake first: it is named at its field, and nothing is saved.
  await page.getByRole("button", { name: "Save as draft" }).click();
  await expect(page.getByLabel("Date")).toHaveAttribute("aria-invalid", "true");

  await page.getByLabel("Name").fill("Year 11 options evening");
  await page.getByLabel("Date").fill("2027-02-10");
  await page.getByLabel("Starts").fill("16:00");
  await page.getByLabel("Ends").fill("15:00");
  await page.getByLabel("Booking opens").fill("2026-11-01T08:00");
  await page.getByLabel("Booking closes").fill("2027-02-09T12:00");
  await page.getByLabel("Parents may cancel until").fill("2027-02-10T09:00");
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
