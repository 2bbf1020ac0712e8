import * as fs from "node:fs";
import { expect, test } from "./fixtures/test";

test("every export is reachable from the office's pages, each named for what it holds", async ({ page, signInPage }) => {
  await signInPage.signInAs("admin");
  // The evening's bookings: the button's accessible name says which evening.
  const evening = page.getByRole("button", { name: "Export bookings (CSV) of Autumn parents' evening" });
  const [bookings] = await Promise.all([page.waitForEvent("download"), evening.click()]);
  expect(bookings.suggestedFilename()).toMatch(/^bookings-evening-\d+\.csv$/);
  expect(fs.readFileSync((await bookings.path())!, "utf8").split("\n")[0]).toContain("teacher");

  // The parents' and carers' contact list, from People.
  await page.getByRole("link", { name: /^People/ }).click();
  await expect(page.getByRole("heading", { level: 1, name: "People" })).toBeVisible();
  const [contacts] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Download parents’ and carers’ contacts (CSV)" }).click(),
  ]);
  expect(contacts.suggestedFilename()).toBe("parents-and-carers.csv");
  expect(fs.readFileSync((await contacts.path())!, "utf8")).toContain("@families.demo.confero.test");
});
