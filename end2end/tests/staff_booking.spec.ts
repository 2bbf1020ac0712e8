import { expect, test } from "./fixtures/test";

test("a teacher books a free time for one of their pupils on the family's behalf", async ({ page, signInPage }) => {
  await signInPage.signInAs("teacher");
  await page.getByRole("link", { name: "Your schedule" }).first().click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Your schedule");
  // The last free time: away from the early times other specs book.
  const row = page.locator(".schedule-row").filter({ has: page.locator("details.book-for") }).last();
  const start = (await row.getAttribute("data-start"))!;
  const time = (await row.locator("summary").textContent())!.match(/^Book (\d\d:\d\d) for a pupil$/)![1];
  await row.getByText(`Book ${time} for a pupil`).click();
  const pupil = row.getByLabel("Pupil");
  await expect(pupil.locator("option").nth(1)).toBeAttached();
  const options = await pupil.locator("option").allTextContents();
  // A pupil another spec has not booked with this teacher already; the answer says which.
  let booked = "";
  for (const name of options.slice(1).reverse().slice(0, 5)) {
    // (After a refusal the schedule is drawn again, with the form closed.)
    const again = page.locator(`.schedule-row[data-start="${start}"]`);
    if (!(await again.getByLabel("Pupil").isVisible())) await again.locator("details.book-for summary").click();
    await again.getByLabel("Pupil").selectOption({ label: name });
    const answer = page.waitForResponse((r) => r.request().method() === "POST" && r.url().includes("/bookings"));
    await again.getByRole("button", { name: `Book ${time}` }).click();
    if ((await answer).status() === 201) {
      booked = name.replace(/ \(.+\)$/, "");
      break;
    }
    await expect(page.getByRole("status").filter({ hasText: /^Not booked:/ })).toBeVisible();
  }
  expect(booked, "a pupil was booked").not.toBe("");
  await expect(page.getByRole("status").filter({ hasText: `Booked: ${booked} with you at ${time}. The family has been emailed.` })).toBeVisible();
  await expect(page.locator(`.schedule-row[data-start="${start}"]`)).toContainText(booked);
});
