import { SignInPage } from "./fixtures/sign_in_page";
import { expect, test } from "./fixtures/test";

// The split-household mother books; no other spec signs in as her, so her
// bookings do not collide with other tests running in parallel.
const MOTHER = "siobhan.abara.45@families.demo.confero.test";
const FATHER = "hiro.llewellyn.45@families.demo.confero.test";
const PASSWORD = "confero-demo";

test("a parent books, the other parent sees it live, and cancels it", async ({ page, browser, signInPage }) => {
  await signInPage.goto();
  await signInPage.signIn(MOTHER, PASSWORD);
  await expect(page).toHaveURL("/parent");
  await page.getByRole("link", { name: "Book appointments" }).first().click();
  await expect(page.getByRole("heading", { level: 1, name: "Autumn parents' evening" })).toBeVisible();

  // The father, signed in elsewhere, watches the same evening.
  const other = await browser.newContext();
  const fatherPage = await other.newPage();
  const father = new SignInPage(fatherPage);
  await father.goto();
  await father.signIn(FATHER, PASSWORD);
  await fatherPage.getByRole("link", { name: "Book appointments" }).first().click();
  await expect(fatherPage.getByRole("heading", { level: 1, name: "Autumn parents' evening" })).toBeVisible();

  // Mark the father's page: a live update must change single buttons, not redraw the cards.
  await fatherPage.locator("section.child-booking").first().evaluate((el) => el.setAttribute("data-probe", "kept"));

  const firstFree = page.getByRole("button", { name: /^Book \d\d:\d\d with / }).first();
  const label = (await firstFree.getAttribute("aria-label"))!;
  const time = label.match(/^Book (\d\d:\d\d) with (.+) for /)!;
  await firstFree.click();
  await expect(page.getByRole("status").filter({ hasText: "Booked:" })).toBeVisible();
  const appointments = page.getByRole("region", { name: "Your appointments" });
  await expect(appointments.getByRole("listitem")).toHaveCount(1);
  await expect(appointments).toContainText(time[2]);

  // Within a second the father's page shows the family's appointment as theirs, without a reload.
  const fathersView = fatherPage.getByRole("button", { name: new RegExp(`^${time[1]}, (taken|yours)$`) }).first();
  await expect(fathersView).toBeVisible({ timeout: 2_000 });
  await expect(fatherPage.locator('section.child-booking[data-probe="kept"]')).toHaveCount(1);
  // Each parent's list says who booked it.
  await expect(appointments.getByRole("listitem")).toContainText("Booked by you");
  await fatherPage.reload();
  await expect(fatherPage.getByRole("region", { name: "Your appointments" }).getByRole("listitem")).toContainText(
    "Booked by Siobhan Abara",
  );

  // Cancel asks first; "Keep it" (or Escape) keeps the appointment and gives focus back.
  await appointments.getByRole("button", { name: /^Cancel / }).click();
  await expect(appointments.getByRole("button", { name: "Yes, cancel it" })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(appointments.getByRole("button", { name: /^Cancel / })).toBeFocused();
  await expect(appointments.getByRole("listitem")).toHaveCount(1);
  await appointments.getByRole("button", { name: /^Cancel / }).click();
  await appointments.getByRole("button", { name: "Yes, cancel it" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Cancelled:" })).toBeVisible();
  await expect(appointments.getByRole("listitem")).toHaveCount(0);
  expect(await other.cookies()).toEqual([]);
  await other.close();
});

test("a slot that would clash with a sibling's appointment says which appointment is in the way", async ({ page, signInPage }) => {
  await signInPage.goto();
  await signInPage.signIn("linh.williams.1@families.demo.confero.test", PASSWORD);
  await page.getByRole("link", { name: "Book appointments" }).first().click();
  const regions = page.locator("section.child-booking");
  await expect(regions).toHaveCount(2);
  await expect(page.getByRole("list", { name: "What the times mean" })).toBeVisible();
  // Away from the first times, which other specs book and cancel at the same moment.
  const first = regions.nth(0).getByRole("button", { name: /^Book \d\d:\d\d with / }).nth(4);
  const [, time, teacher] = (await first.getAttribute("aria-label"))!.match(/^Book (\d\d:\d\d) with (.+) for /)!;
  await first.click();
  await expect(page.getByRole("status").filter({ hasText: "Booked:" })).toBeVisible();

  // The sibling's teachers at the same time are now predicted to clash, naming the appointment.
  const clash = regions.nth(1).getByRole("button", { name: new RegExp(`^${time}, you are with ${teacher} then \\(`) }).first();
  await expect(clash).toBeVisible();
  // A tap on it says why, beside the row; nothing is booked. (The button is
  // aria-disabled, which Playwright counts as not clickable; a finger can.)
  await clash.click({ force: true });
  await expect(regions.nth(1).locator(".slot-why").filter({ hasText: `${time}, you are with ${teacher} then` })).toBeVisible();
  // Ten minutes later, in another room, is free: the two minutes between appointments are enough to walk.
  const [h, m] = time.split(":").map(Number);
  const next = `${String(h + Math.floor((m + 10) / 60)).padStart(2, "0")}:${String((m + 10) % 60).padStart(2, "0")}`;
  await expect(regions.nth(1).getByRole("button", { name: new RegExp(`^${next}, (you are with|too close)`) })).toHaveCount(0);

  await page.getByRole("region", { name: "Your appointments" }).getByRole("button", { name: /^Cancel / }).click();
  await page.getByRole("region", { name: "Your appointments" }).getByRole("button", { name: "Yes, cancel it" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Cancelled:" })).toBeVisible();
});

test("the teacher sees the booking on their schedule and marks it attended", async ({ page, browser, signInPage }) => {
  // A parent of one of the teacher's students books with him.
  const parentContext = await browser.newContext();
  const parent = await parentContext.newPage();
  const parentSignIn = new SignInPage(parent);
  await parentSignIn.goto();
  await parentSignIn.signIn("agnieszka.nguyen.2@families.demo.confero.test", PASSWORD);
  await parent.getByRole("link", { name: "Book appointments" }).first().click();
  const withOkafor = parent.getByRole("button", { name: /^Book \d\d:\d\d with Mr Okafor/ }).first();
  await withOkafor.click();
  await expect(parent.getByRole("status").filter({ hasText: "Booked:" })).toBeVisible();
  await parentContext.close();

  await signInPage.signInAs("teacher");
  await page.getByRole("link", { name: "Your schedule" }).first().click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Your schedule");
  // The evening is two weeks away: marking is not offered before an appointment starts.
  const booked = page.locator(".schedule-row").filter({ hasText: "Marking opens at" }).first();
  await expect(booked).toBeVisible();
  await expect(page.getByRole("button", { name: /^Attended: / })).toHaveCount(0);
  // A minute into the appointment, by the browser's clock: it is highlighted and can be marked.
  const start = (await booked.getAttribute("data-start"))!;
  await page.clock.setFixedTime(new Date(Date.parse(start) + 60_000));
  await page.reload();
  const now = page.locator(`.schedule-row[data-start="${start}"]`);
  await expect(now).toHaveAttribute("aria-current", "time");
  // "Tonight": the appointment under way, large at the top, and the schedule opened at it.
  const tonight = page.getByRole("region", { name: "Tonight" });
  await expect(tonight.locator(".tonight-now")).toContainText((await now.locator(".booked-time").textContent())!);
  await expect(tonight.locator(".tonight-next")).toBeVisible();
  await expect(now).toBeInViewport();
  const attended = now.getByRole("button", { name: /^Attended: / });
  await attended.click();
  await expect(now.getByRole("button", { name: /^Attended: / })).toHaveAttribute("aria-pressed", "true");
});

test("a parent moves an appointment to another time in one step", async ({ page, signInPage }) => {
  await signInPage.goto();
  await signInPage.signIn("robin.kowalski.4@families.demo.confero.test", PASSWORD);
  await page.getByRole("link", { name: "Book appointments" }).first().click();
  const first = page.getByRole("button", { name: /^Book \d\d:\d\d with / }).first();
  const teacher = (await first.getAttribute("aria-label"))!.match(/ with (.+) for /)![1];
  await first.click();
  await expect(page.getByRole("status").filter({ hasText: "Booked:" })).toBeVisible();

  const row = page.locator(".teacher-row").filter({ hasText: teacher }).first();
  // Focus stays in the row: on its "Change time" once booked.
  const change = row.getByRole("button", { name: "Change time" });
  await expect(change).toBeFocused();
  await change.click();
  const later = row.getByRole("button", { name: /^Move to \d\d:\d\d with / }).last();
  await expect(later).toBeVisible();
  // Escape closes it and gives focus back to its button.
  await page.keyboard.press("Escape");
  await expect(later).toBeHidden();
  await expect(change).toBeFocused();
  await change.click();
  const time = (await later.getAttribute("aria-label"))!.match(/^Move to (\d\d:\d\d)/)![1];
  await later.click();
  await expect(page.getByRole("status").filter({ hasText: `is now at ${time}` })).toBeVisible();
  const appointments = page.getByRole("region", { name: "Your appointments" });
  await expect(appointments.getByRole("listitem")).toHaveCount(1);
  await expect(appointments).toContainText(time);

  // Home shows what is coming: the time, the teacher, and a way back to change it.
  await page.getByRole("link", { name: "← Your children" }).click();
  const upcoming = page.getByRole("region", { name: "Your upcoming appointments" });
  await expect(upcoming.getByRole("listitem")).toHaveCount(1);
  await expect(upcoming.getByRole("listitem")).toContainText(time);
  await expect(upcoming.getByRole("listitem")).toContainText(teacher);
  await upcoming.getByRole("link", { name: /^Change or cancel appointments on / }).click();
  await expect(page.getByRole("region", { name: "Your appointments" })).toContainText(time);
});

test("a parent books with the keyboard alone: a child's grid of times is one tab stop, the arrows move, Enter books", async ({ page, signInPage }) => {
  await signInPage.goto();
  await signInPage.signIn("nadia.morgan.8@families.demo.confero.test", PASSWORD);
  await page.getByRole("link", { name: "Book appointments" }).first().click();
  const child = page.locator("section.child-booking").first();
  await expect(child.locator(".slots").first()).toBeVisible();
  // One tab stop for all of the child's teachers' times.
  const stops = child.locator(".slots button[tabindex='0']");
  await expect(stops).toHaveCount(1);
  expect(await child.locator(".slots").count()).toBeGreaterThan(1);
  // Tab until a time has focus.
  const focusedLabel = () => page.evaluate(() => document.activeElement?.getAttribute("aria-label") ?? "");
  const onATime = () => page.evaluate(() => document.activeElement?.hasAttribute("data-start") ?? false);
  for (let i = 0; i < 60 && !(await onATime()); i++) await page.keyboard.press("Tab");
  expect(await onATime()).toBe(true);
  const start = await focusedLabel();
  const teacher = start.match(/ with (.+) for /)![1];
  // Right moves along the row, to the same teacher's next time.
  await page.keyboard.press("ArrowRight");
  const right = await focusedLabel();
  expect(right).not.toBe(start);
  expect(right).toContain(` with ${teacher} for `);
  // Down moves to the next teacher's row.
  await page.keyboard.press("ArrowDown");
  let below = await focusedLabel();
  expect(below).not.toContain(` with ${teacher} for `);
  // Still one tab stop, where focus is: Tab away and back returns here.
  await expect(stops).toHaveCount(1);
  expect(await stops.getAttribute("aria-label")).toBe(below);
  await page.keyboard.press("Shift+Tab");
  await page.keyboard.press("Tab");
  expect(await focusedLabel()).toBe(below);
  // (Along the row to a free time, should another family have taken this one.)
  for (let i = 0; i < 20 && !below.startsWith("Book "); i++) {
    await page.keyboard.press("ArrowRight");
    below = await focusedLabel();
  }
  const booking = below.match(/^Book (\d\d:\d\d) with (.+) for /);
  expect(booking, `a free time below: ${below}`).not.toBeNull();
  // Enter books it; focus stays on that teacher's row.
  await page.keyboard.press("Enter");
  await expect(page.getByRole("status").filter({ hasText: `with ${booking![2]} at ${booking![1]}` })).toBeVisible();
  await expect(page.locator(".teacher-row").filter({ hasText: booking![2] }).first().getByRole("button", { name: "Change time" })).toBeFocused();

  const appointments = page.getByRole("region", { name: "Your appointments" });
  await appointments.getByRole("button", { name: /^Cancel / }).click();
  await appointments.getByRole("button", { name: "Yes, cancel it" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Cancelled:" })).toBeVisible();
});

test("a tap while offline says so beside the time and keeps the page; once online the same tap books", async ({ page, context, signInPage }) => {
  await signInPage.goto();
  await signInPage.signIn("joanne.haddad.9@families.demo.confero.test", PASSWORD);
  await page.getByRole("link", { name: "Book appointments" }).first().click();
  const first = page.getByRole("button", { name: /^Book \d\d:\d\d with / }).first();
  const label = (await first.getAttribute("aria-label"))!;
  const [, time, teacher] = label.match(/^Book (\d\d:\d\d) with (.+) for /)!;
  const row = page.locator(".teacher-row").filter({ has: first });

  await context.setOffline(true);
  await first.click();
  await expect(row.locator(".row-note")).toContainText("Not sent: you're offline");
  // The page is still there, every time still drawn; nothing was booked.
  await expect(page.getByRole("heading", { level: 1, name: "Autumn parents' evening" })).toBeVisible();
  await expect(page.getByRole("button", { name: label })).toBeVisible();
  await expect(page.getByRole("region", { name: "Your appointments" }).getByRole("listitem")).toHaveCount(0);

  await context.setOffline(false);
  await page.getByRole("button", { name: label }).click();
  await expect(page.getByRole("status").filter({ hasText: `Booked: ` }).filter({ hasText: `with ${teacher} at ${time}` })).toBeVisible();
  await expect(page.locator(".row-note")).toHaveCount(0);
  const appointments = page.getByRole("region", { name: "Your appointments" });
  await appointments.getByRole("button", { name: /^Cancel / }).click();
  await appointments.getByRole("button", { name: "Yes, cancel it" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Cancelled:" })).toBeVisible();
});
