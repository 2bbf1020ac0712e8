import type { APIRequestContext, Page } from "@playwright/test";
import { SignInPage } from "./fixtures/sign_in_page";
import { expect, test } from "./fixtures/test";
import { familyEmails, tokenFor } from "./fixtures/api";
import { DEMO_PASSWORD, demo } from "./fixtures/demo";

// Family 24: two guardians, one child; no other spec signs in as them.
const FAMILY = 24;


/** The family's two guardians' emails, from the office's guardians export. */
async function guardians(request: APIRequestContext): Promise<[string, string]> {
  const admin = await tokenFor(request, demo.admin.email);
  const emails = (await familyEmails(request, admin)).filter((e) => e.endsWith(`.${FAMILY}@families.demo.confero.test`)).sort();
  expect(emails).toHaveLength(2);
  return [emails[0], emails[1]];
}

/** Books the first free time with the teacher in the child's row, trying the
 * next one if a parallel spec took it first; returns the time booked. */
async function bookWith(page: Page, row: string): Promise<string> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const free = page.locator(row).getByRole("button", { name: /^Book \d\d:\d\d with / }).nth(8 + attempt);
    const label = (await free.getAttribute("aria-label"))!;
    const answer = page.waitForResponse((r) => r.request().method() === "POST" && r.url().includes("/bookings"));
    await free.click();
    if ((await answer).status() === 201) return label.match(/^Book (\d\d:\d\d)/)![1];
  }
  throw new Error("no free time could be booked");
}

test("separated parents book the same teacher for the same child on their own and never see each other's", async ({ page, browser, request, signInPage }) => {
  const [first, second] = await guardians(request);
  const token = await tokenFor(request, first);
  const me = await (await request.get("/api/me", { headers: { Authorization: `Bearer ${token}` } })).json();
  const child = me.children[0];
  const evening = (await (await request.get("/api/evenings", { headers: { Authorization: `Bearer ${token}` } })).json())[0];
  const details = await (await request.get(`/api/evenings/${evening.id}`, { headers: { Authorization: `Bearer ${token}` } })).json();
  const teacher = details.teachers.find((t: { name: string }) => t.name === child.teachers[0].teacher_name);
  const row = `#row-${child.id}-${teacher.id}`;

  // The office marks the child's guardians as separate households.
  await signInPage.signInAs("admin");
  await page.getByRole("link", { name: /^Separated households/ }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Separated households" })).toBeVisible();
  await page.getByLabel("Child or guardian’s name").fill(`${child.given_name} ${child.family_name}`);
  await page.getByRole("button", { name: "Search" }).click();
  const separate = page.getByRole("checkbox", { name: `Separate households for ${child.given_name}` });
  await expect(separate).not.toBeChecked();
  await separate.check();
  await expect(page.getByRole("status")).toContainText(`${child.given_name} ${child.family_name} (${child.year_group}): separate households.`);
  await expect(separate).toBeChecked();

  // Each guardian, on their own device, books the same teacher for the child.
  const signIn = async (email: string) => {
    const context = await browser.newContext();
    const guardianPage = await context.newPage();
    await new SignInPage(guardianPage).goto();
    await new SignInPage(guardianPage).signIn(email, DEMO_PASSWORD);
    await expect(guardianPage).toHaveURL("/parent");
    await guardianPage.goto(`/parent/evenings/${evening.id}`);
    await expect(guardianPage.locator(row)).toBeVisible();
    return guardianPage;
  };
  const one = await signIn(first);
  const mine = await bookWith(one, row);
  const two = await signIn(second);
  const theirs = await bookWith(two, row);
  expect(theirs).not.toBe(mine);

  // Each sees their own appointment only; the other's time is just "taken".
  for (const [own, ownTime, otherTime] of [
    [one, mine, theirs],
    [two, theirs, mine],
  ] as const) {
    await own.reload();
    const appointments = own.getByRole("region", { name: "Your appointments" });
    await expect(appointments.getByRole("listitem")).toHaveCount(1);
    await expect(appointments).toContainText(ownTime);
    await expect(appointments).toContainText("Booked by you");
    await expect(appointments).not.toContainText(otherTime);
    // The other household's time, among the times to change to, is only taken.
    await own.locator(row).getByRole("button", { name: "Change time" }).click();
    await expect(own.locator(row).getByRole("button", { name: `${otherTime}, taken` })).toBeVisible();
  }
});
