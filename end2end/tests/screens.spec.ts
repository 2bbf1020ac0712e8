import * as path from "node:path";
import { bearer, tokenFor } from "./fixtures/api";
import { demo, viewports, type DemoRole } from "./fixtures/demo";
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
        // The home as it settles: its evenings in, not their placeholder.
        await expect(page.getByRole("status").filter({ hasText: "Loading" })).toHaveCount(0);
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
          // Once the evenings above the classes are in: they push the class cards down,
          // and a tap aimed at a card before then lands on the evening instead.
          await expect(page.getByRole("region", { name: "Parents' evenings" })).toBeVisible();
          await expect(page.getByRole("status").filter({ hasText: "Loading" })).toHaveCount(0);
          await page.getByRole("link", { name: /students/ }).first().click();
          await expect(page.getByRole("table")).toBeVisible();
          await page.screenshot({ path: path.join(dir, `${device}-class-list.png`), fullPage: true });
        }
        if (role === "admin") {
          await page.getByRole("link", { name: "New evening" }).click();
          await expect(page.getByRole("heading", { level: 1, name: "New parents' evening" })).toBeVisible();
          await page.screenshot({ path: path.join(dir, `${device}-admin-new-evening.png`), fullPage: true });
          // The evening's overview, and its settings being changed.
          await page.getByRole("link", { name: "School", exact: true }).click();
          await page.getByRole("link", { name: "Overview of Autumn parents' evening" }).click();
          await expect(page.getByRole("heading", { level: 1, name: "Autumn parents' evening" })).toBeVisible();
          await expect(page.getByRole("table", { name: "By year group" })).toBeVisible();
          await page.screenshot({ path: path.join(dir, `${device}-admin-overview.png`), fullPage: true });
          await page.getByRole("link", { name: "Change the evening" }).click();
          await expect(page.getByRole("heading", { level: 1, name: "Change Autumn parents' evening" })).toBeVisible();
          await page.getByLabel("Some year groups or classes").check();
          await page.screenshot({ path: path.join(dir, `${device}-admin-change-evening.png`), fullPage: true });
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

    test("the teacher's evening as it happens: Tonight", async ({ page, signInPage, request }) => {
      // Two of Mr Okafor's pupils booked at 16:30 and 16:40 by the office (pupils
      // from the middle of his lists: other specs book the first and the last).
      const admin = await tokenFor(request, demo.admin.email);
      const teacher = await (await request.get("/api/me", bearer(await tokenFor(request, demo.teacher.email)))).json();
      const evening = (await (await request.get("/api/evenings", bearer(admin))).json())[0].id;
      const pupils: number[] = [];
      for (const summary of teacher.classes) {
        const roster = await (await request.get(`/api/classes/${summary.id}`, bearer(admin))).json();
        pupils.push(...roster.students.map((s: { id: number }) => s.id));
      }
      const grid = await (await request.get(`/api/evenings/${evening}/slots?teacher_id=${teacher.id}`, bearer(admin))).json();
      let next = Math.floor(pupils.length / 2);
      for (const slot of grid[0].slots.slice(3, 5)) {
        for (; slot.state === "free" && next < pupils.length; next++) {
          const made = await request.post(`/api/evenings/${evening}/bookings`, {
            ...bearer(admin),
            data: { teacher_id: teacher.id, student_id: pupils[next], start: slot.start },
          });
          if (made.status() === 201 || (await made.json()).error.code === "slot_taken") break;
        }
        next++;
      }
      await signInPage.signInAs("teacher");
      await page.getByRole("link", { name: "Your schedule" }).first().click();
      await expect(page.getByRole("heading", { level: 1 })).toContainText("Your schedule");
      // Five minutes into the 16:30 appointment, by the browser's clock.
      await page.clock.setFixedTime(new Date(Date.parse(grid[0].slots[3].start) + 5 * 60_000));
      await page.reload();
      await expect(page.getByRole("region", { name: "Tonight" }).locator(".tonight-now")).toContainText("16:30");
      await page.screenshot({ path: path.join(dir, `${device}-teacher-tonight.png`) });
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
