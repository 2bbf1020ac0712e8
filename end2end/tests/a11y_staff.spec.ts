import { seriousViolations } from "./fixtures/axe";
import { viewports } from "./fixtures/demo";
import { expect, test } from "./fixtures/test";

// axe-core on every teacher and office page at tablet and desktop sizes: no
// serious or critical violation. The teacher's schedule is scanned with a
// booking on it, made by a family no other spec signs in as.
// Families of Mr Okafor's students (the demo teacher), one per size.
const families = {
  tablet: "agnieszka.brown.12@families.demo.confero.test",
  desktop: "asha.jones.20@families.demo.confero.test",
} as const;

for (const device of ["tablet", "desktop"] as const) {
  const viewport = viewports[device];
  test.describe(`${device} ${viewport.width}×${viewport.height}`, () => {
    // A dozen pages, each scanned: longer than one page's test.
    test.describe.configure({ timeout: 90_000 });
    test.use({ viewport, hasTouch: device === "tablet", bypassCSP: true });

    const scan = async (page: import("@playwright/test").Page, name: string) => {
      await expect(page.getByRole("status").filter({ hasText: "Loading" })).toHaveCount(0);
      expect(await seriousViolations(page), `${name} at ${device} size`).toEqual([]);
    };

    test("axe finds no serious or critical violation on any teacher page", async ({ page, browser, signInPage }) => {
      const parent = await browser.newPage();
      await parent.goto("/signin");
      await parent.getByLabel("Email").fill(families[device]);
      await parent.getByLabel("Password").fill("confero-demo");
      await parent.getByRole("button", { name: "Sign in" }).click();
      await parent.getByRole("link", { name: "Book appointments" }).first().click();
      await parent.getByRole("button", { name: /^Book \d\d:\d\d with Mr Okafor/ }).first().click();
      await expect(parent.getByRole("status").filter({ hasText: "Booked:" })).toBeVisible();
      await parent.close();

      await signInPage.signInAs("teacher");
      await scan(page, "teacher home");
      await page.getByRole("link", { name: "Your schedule" }).first().click();
      await expect(page.getByRole("heading", { level: 1 })).toContainText("Your schedule");
      await scan(page, "schedule");
      // And during the appointment, with its marks offered.
      const start = (await page.locator(".schedule-row").filter({ hasText: "Marking opens at" }).first().getAttribute("data-start"))!;
      await page.clock.setFixedTime(new Date(Date.parse(start) + 60_000));
      await page.reload();
      await expect(page.getByRole("button", { name: /^No-show: / }).first()).toBeVisible();
      await scan(page, "schedule during an appointment");
      await page.getByRole("link", { name: "Classes", exact: true }).click();
      // Once the evenings above the classes are in: they push the class cards down,
      // and a tap aimed at a card before then lands on the evening instead.
      await expect(page.getByRole("region", { name: "Parents' evenings" })).toBeVisible();
      await expect(page.getByRole("status").filter({ hasText: "Loading" })).toHaveCount(0);
      await page.getByRole("link", { name: /students/ }).first().click();
      await expect(page.getByRole("table")).toBeVisible();
      await scan(page, "class list");
      for (const [link, heading] of [
        ["Directory", "Directory"],
        ["Profile", "Your profile"],
        ["Account", "Your account"],
      ]) {
        await page.getByRole("link", { name: link, exact: true }).click();
        await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
        await scan(page, link);
      }
    });

    test("axe finds no serious or critical violation on any office page", async ({ page, signInPage }) => {
      await signInPage.signInAs("admin");
      await scan(page, "office home");
      await page.getByRole("link", { name: "New evening" }).click();
      await expect(page.getByRole("heading", { level: 1, name: "New parents' evening" })).toBeVisible();
      await scan(page, "new evening");
      await page.getByRole("link", { name: "School", exact: true }).click();
      await page.getByRole("link", { name: "Overview of Autumn parents' evening" }).click();
      await expect(page.getByRole("table", { name: "By year group" })).toBeVisible();
      await scan(page, "evening overview");
      await page.getByRole("link", { name: "Change the evening" }).click();
      await expect(page.getByRole("heading", { level: 1, name: "Change Autumn parents' evening" })).toBeVisible();
      await page.getByLabel("Some year groups or classes").check();
      await scan(page, "change evening");
      for (const [link, heading] of [
        [/^People/, "People"],
        [/^Import the roster/, "Import the roster"],
        [/^Separated households/, "Separated households"],
        [/^Join requests/, "Join requests"],
        [/^Outbox/, "Outbox"],
        [/^Audit log/, "Audit log"],
      ] as const) {
        await page.getByRole("link", { name: "School", exact: true }).click();
        await page.getByRole("link", { name: link }).click();
        await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
        await scan(page, heading);
      }
    });
  });
}
