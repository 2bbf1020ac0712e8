import * as path from "node:path";
import { viewports, type DemoRole } from "./fixtures/demo";
import { expect, test } from "./fixtures/test";

// Screenshots of every page at phone, tablet and desktop sizes, kept as
// artifacts in end2end/artifacts/screenshots for people to look at.
const dir = path.join(__dirname, "..", "artifacts", "screenshots");

for (const [device, viewport] of Object.entries(viewports)) {
  test.describe(`${device} ${viewport.width}×${viewport.height}`, () => {
    test.use({ viewport, hasTouch: device !== "desktop", isMobile: device === "phone" });

    test("screenshots of every page", async ({ page, signInPage, shell }) => {
      // The pages before signing in.
      for (const [name, url, heading] of [
        ["forgot-password", "/forgot", "Forgotten your password?"],
        ["join", "/join/1", "Ask to join your school"],
        ["welcome-without-link", "/welcome", "Welcome to Confero"],
      ]) {
        await page.goto(url);
        await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
        await page.screenshot({ path: path.join(dir, `${device}-${name}.png`), fullPage: true });
      }
      await signInPage.goto();
      await page.screenshot({ path: path.join(dir, `${device}-sign-in.png`), fullPage: true });
      for (const role of ["parent", "teacher", "admin"] as DemoRole[]) {
        await signInPage.signInAs(role);
        await page.screenshot({ path: path.join(dir, `${device}-${role}-home.png`), fullPage: true });
        if (role === "parent") {
          await page.getByRole("link", { name: "Book appointments" }).first().click();
          await expect(page.getByRole("heading", { level: 1, name: "Autumn parents' evening" })).toBeVisible();
          await page.screenshot({ path: path.join(dir, `${device}-parent-booking.png`), fullPage: true });
          // The family's appointments as they print: no pickers, buttons or header.
          await page.emulateMedia({ media: "print" });
          await expect(page.locator(".app-header")).toBeHidden();
          await expect(page.locator("section.child-booking").first()).toBeHidden();
          await expect(page.getByRole("heading", { name: "Your appointments" })).toBeVisible();
          await page.screenshot({ path: path.join(dir, `${device}-parent-booking-print.png`), fullPage: true });
          await page.emulateMedia({ media: "screen" });
          // "Plan my evening" with its proposed timeline (nothing is booked).
          await page.getByRole("button", { name: "Plan my evening" }).click();
          await page.getByRole("button", { name: "Find the best times" }).click();
          await expect(page.getByRole("heading", { name: "Your plan" })).toBeFocused();
          await page.screenshot({ path: path.join(dir, `${device}-parent-plan.png`), fullPage: true });
        }
        if (role === "teacher") {
          await page.getByRole("link", { name: "Your schedule" }).first().click();
          await expect(page.getByRole("heading", { level: 1 })).toContainText("Your schedule");
          await page.screenshot({ path: path.join(dir, `${device}-teacher-schedule.png`), fullPage: true });
          // The schedule as it prints: no header, buttons or forms.
          await page.emulateMedia({ media: "print" });
          await expect(page.locator(".app-header")).toBeHidden();
          await expect(page.locator(".schedule-row").first()).toBeVisible();
          await page.screenshot({ path: path.join(dir, `${device}-teacher-schedule-print.png`), fullPage: true });
          await page.emulateMedia({ media: "screen" });
          await page.getByRole("link", { name: "Classes", exact: true }).click();
          await page.getByRole("link", { name: /students/ }).first().click();
          await expect(page.getByRole("table")).toBeVisible();
          await page.screenshot({ path: path.join(dir, `${device}-class-list.png`), fullPage: true });
        }
        if (role === "admin") {
          await page.getByRole("link", { name: "New evening" }).click();
          await expect(page.getByRole("heading", { level: 1, name: "New parents' evening" })).toBeVisible();
          await page.screenshot({ path: path.join(dir, `${device}-admin-new-evening.png`), fullPage: true });
          for (const [name, link, heading] of [
            ["people", /^People/, "People"],
            ["roster", /^Import the roster/, "Import the roster"],
            ["households", /^Separated households/, "Separated households"],
            ["join-requests", /^Join requests/, "Join requests"],
            ["outbox", /^Outbox/, "Outbox"],
          ] as const) {
            await page.getByRole("link", { name: "School", exact: true }).click();
            await page.getByRole("link", { name: link }).click();
            await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
            await expect(page.getByRole("status").filter({ hasText: "Loading" })).toHaveCount(0);
            await page.screenshot({ path: path.join(dir, `${device}-admin-${name}.png`), fullPage: true });
          }
        }
        await page.getByRole("link", { name: "Account" }).click();
        await expect(page.getByRole("heading", { level: 1, name: "Your account" })).toBeVisible();
        if (role === "parent") {
          await page.screenshot({ path: path.join(dir, `${device}-account.png`), fullPage: true });
        }
        await shell.signOut.click();
        await expect(signInPage.heading).toBeVisible();
      }
    });

    test("nothing overflows sideways and touch targets are at least 44 px", async ({ page, signInPage }) => {
      await signInPage.signInAs("parent");
      await page.getByRole("link", { name: "Book appointments" }).first().click();
      await expect(page.locator(".slot:visible").first()).toBeVisible();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      // Measured in one go in the page: one round trip per target (hundreds of
      // slot buttons) takes longer than the test's time-out on a busy machine.
      const tooSmall = await page.evaluate(() =>
        Array.from(document.querySelectorAll("header a, header button, main button, main input"))
          .map((element) => ({ box: element.getBoundingClientRect(), html: element.outerHTML.slice(0, 80) }))
          .filter(({ box }) => box.width > 0 && box.height > 0 && Math.min(box.width, box.height) < 44)
          .map(({ box, html }) => `${Math.round(box.width)}×${Math.round(box.height)} ${html}`),
      );
      expect(tooSmall).toEqual([]);
    });
  });
}
