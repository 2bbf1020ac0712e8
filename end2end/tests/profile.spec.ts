import * as fs from "node:fs";
import * as path from "node:path";
import type { Browser, Page } from "@playwright/test";
import { DEMO_PASSWORD, demo, viewports } from "./fixtures/demo";
import { signIn } from "./fixtures/new_school";
import { expect, test } from "./fixtures/test";

// One parent's profile seen from every side: the steps build on each other.
test.describe.configure({ mode: "serial" });

const shots = path.join(__dirname, "..", "artifacts", "screenshots");
/** A parent of a child in a class with one of the demo parent's children. */
const CLASSMATE_PARENT = "siobhan.adeyemi.5@families.demo.confero.test";
const PHONE = "07700 900555";

async function signedIn(browser: Browser, email: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, email, DEMO_PASSWORD);
  await expect(page.getByRole("link", { name: "Directory" })).toBeVisible();
  return page;
}

/** The demo parent's card in the directory, as `page` sees it. */
async function ashaInDirectory(page: Page) {
  await page.goto("/directory");
  await page.getByLabel("Name", { exact: true }).fill("Asha Patel");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page.getByRole("status").filter({ hasText: "1 person" })).toBeVisible();
  return page.locator(".person-card").filter({ hasText: "Asha Patel" });
}

function previewAs(page: Page, who: string) {
  return page.locator(".preview-as").filter({ has: page.getByRole("heading", { name: who, exact: true }) });
}

async function choosePhoneAudience(page: Page, value: string, meaning: string) {
  await page.getByLabel("Who sees your phone").selectOption(value);
  await expect(page.getByText(meaning, { exact: true })).toBeVisible();
  await page.getByRole("button", { name: "Save profile" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved" })).toBeVisible();
}

test("a parent shows her phone to the class, then to staff only: the preview, the class, her child's teacher and the admin agree", async ({ browser }) => {
  // A long journey through four people's browsers.
  test.slow();
  const parent = await signedIn(browser, demo.parent.email);
  await parent.getByRole("link", { name: "Profile" }).click();
  await expect(parent.getByRole("heading", { level: 1, name: "Your profile" })).toBeVisible();
  // Private by default: the address is hers alone.
  await expect(parent.getByLabel("Who sees your address")).toHaveValue("only_me");
  await parent.getByLabel("Phone", { exact: true }).fill(PHONE);

  await choosePhoneAudience(parent, "classes", "Staff and the parents of your children's classmates see your phone.");
  await expect(previewAs(parent, "A parent in your child's class")).toContainText(PHONE);
  await expect(previewAs(parent, "Another parent in the school")).not.toContainText(PHONE);
  const classmate = await signedIn(browser, CLASSMATE_PARENT);
  await expect(await ashaInDirectory(classmate)).toContainText(PHONE);

  // Hidden from the class, shown to staff.
  await choosePhoneAudience(parent, "staff", "Your children's teachers and the school's admins see your phone.");
  await expect(previewAs(parent, "A parent in your child's class")).not.toContainText(PHONE);
  await expect(previewAs(parent, "Your child's teacher")).toContainText(PHONE);
  const card = await ashaInDirectory(classmate);
  await expect(card).toContainText("Shares only their name with you.");
  await expect(card).not.toContainText(PHONE);
  await classmate.setViewportSize(viewports.phone);
  await classmate.screenshot({ path: path.join(shots, "phone-directory-classmate.png"), fullPage: true });

  // Her child's teacher (Mr Okafor teaches her children) sees the phone, not the address.
  const teacher = await signedIn(browser, demo.teacher.email);
  const seenByTeacher = await ashaInDirectory(teacher);
  await expect(seenByTeacher).toContainText(PHONE);
  await expect(seenByTeacher).not.toContainText("Address");
  // And on his evening schedule, beside her booking.
  await parent.goto("/parent");
  await parent.getByRole("link", { name: "Book appointments" }).first().click();
  await parent.getByRole("button", { name: /^Book \d\d:\d\d with Mr Okafor/ }).first().click();
  await expect(parent.getByRole("status").filter({ hasText: "Booked:" })).toBeVisible();
  await teacher.goto("/teacher");
  await teacher.getByRole("link", { name: "Your schedule" }).first().click();
  const coming = teacher.locator(".schedule .family").filter({ hasText: "Asha Patel" });
  await expect(coming).toContainText(PHONE);
  await teacher.setViewportSize(viewports.tablet);
  await teacher.screenshot({ path: path.join(shots, "tablet-schedule-family-phone.png"), fullPage: true });
  await parent.goto("/profile");

  // The admin opens her full profile: the address is there, and the opening is said to be logged.
  const admin = await signedIn(browser, demo.admin.email);
  await (await ashaInDirectory(admin)).getByRole("link", { name: /Asha Patel/ }).click();
  await expect(admin.getByRole("heading", { level: 2, name: "Mrs Asha Patel" })).toBeVisible();
  await expect(admin.locator(".person-card")).toContainText("Address");
  await expect(admin.getByText(/opening them is logged/)).toBeVisible();
  // The opening is in the school's audit log, filtered to her.
  await admin.getByRole("link", { name: "Audit log for this person" }).click();
  await admin.getByLabel("Action").selectOption("viewed_hidden_fields");
  const entry = admin.getByRole("row").filter({ hasText: "Opened details kept from staff" });
  await expect(entry, "one opening, one entry").toHaveCount(1);
  await expect(entry).toContainText("Mrs Hale");
  await expect(entry).toContainText("Asha Patel");
  await admin.setViewportSize(viewports.desktop);
  await admin.screenshot({ path: path.join(shots, "desktop-audit-log.png"), fullPage: true });

  // She sees that in "who looked at your data".
  await parent.reload();
  const log = parent.getByRole("list", { name: "Who looked at your data" });
  await expect(log.getByRole("listitem").first()).toContainText("Mrs Hale opened your profile, including details you keep to yourself: address");
  // And in the data she downloads.
  const [download] = await Promise.all([
    parent.waitForEvent("download"),
    parent.getByRole("button", { name: "Download my data" }).click(),
  ]);
  expect(download.suggestedFilename()).toBe("my-confero-data.json");
  const data = JSON.parse(fs.readFileSync((await download.path())!, "utf8"));
  expect(data.profile.phone).toBe(PHONE);
  expect(data.access[0].by).toBe("Mrs Hale");
  expect(JSON.stringify(data)).not.toContain("token");

  for (const [device, viewport] of Object.entries(viewports)) {
    await parent.setViewportSize(viewport);
    await parent.screenshot({ path: path.join(shots, `${device}-profile.png`), fullPage: true });
  }
  for (const page of [parent, classmate, teacher, admin]) {
    await page.context().close();
  }
});

test("a bad phone number is named beside the field and nothing is saved", async ({ browser }) => {
  const parent = await signedIn(browser, demo.parent.email);
  await parent.goto("/profile");
  await parent.getByLabel("Phone", { exact: true }).fill("call me maybe");
  await parent.getByRole("button", { name: "Save profile" }).click();
  const phone = parent.getByLabel("Phone", { exact: true });
  await expect(phone).toHaveAttribute("aria-invalid", "true");
  await expect(parent.locator("#phone-error")).toContainText("must be a phone number");
  await parent.reload();
  await expect(parent.getByLabel("Phone", { exact: true })).toHaveValue(PHONE);
  await parent.context().close();
});
