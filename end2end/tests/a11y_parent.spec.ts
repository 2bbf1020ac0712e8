import { seriousViolations } from "./fixtures/axe";
import { viewports } from "./fixtures/demo";
import { expect, test } from "./fixtures/test";

// axe-core on every page a parent can reach, at phone and desktop sizes: no
// serious or critical violation. Each size signs in as its own family (no
// other spec uses them), so the bookings made here meet no one else's.
const families = {
  phone: "gemma.hughes.6@families.demo.confero.test",
  desktop: "giulia.chen.7@families.demo.confero.test",
} as const;
const PASSWORD = "confero-demo";

for (const device of ["phone", "desktop"] as const) {
  const viewport = viewports[device];
  test.describe(`${device} ${viewport.width}×${viewport.height}`, () => {
    // A dozen pages, each scanned: longer than one page's test.
    test.describe.configure({ timeout: 90_000 });
    test.use({ viewport, hasTouch: device === "phone", isMobile: device === "phone", bypassCSP: true });

    test("axe finds no serious or critical violation on any parent page", async ({ page, signInPage }) => {
      const scan = async (name: string) => {
        await expect(page.getByRole("status").filter({ hasText: "Loading" })).toHaveCount(0);
        expect(await seriousViolations(page), `${name} at ${device} size`).toEqual([]);
      };
      for (const [name, url, heading] of [
        ["forgot password", "/forgot", "Forgotten your password?"],
        ["ask to join", "/join/1", "Ask to join your school"],
        ["welcome without a link", "/welcome", "Welcome to Confero"],
      ]) {
        await page.goto(url);
        await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
        await scan(name);
      }
      await signInPage.goto();
      await scan("sign in");
      await signInPage.signIn(families[device], PASSWORD);
      await expect(page).toHaveURL("/parent");
      await scan("home");

      // The booking page with an appointment, a clash, its explanation and Cancel's question open.
      await page.getByRole("link", { name: "Book appointments" }).first().click();
      const regions = page.locator("section.child-booking");
      await expect(regions).toHaveCount(2);
      // The first free time; the other size's family may win the same one, then the next.
      // If their booking's live update arrives before the tap, the time is shown taken
      // and no request is sent: that attempt ends without an answer.
      const result = page.locator("#booking-result");
      for (let attempt = 0; attempt < 5; attempt++) {
        const answer = page
          .waitForResponse((r) => r.request().method() === "POST" && r.url().includes("/bookings"), { timeout: 5_000 })
          .catch(() => null);
        await regions.nth(0).getByRole("button", { name: /^Book \d\d:\d\d with / }).first().click();
        const response = await answer;
        if (response?.status() === 201) break;
        if (response) await expect(page.locator(".row-note")).toBeVisible();
      }
      await expect(result).toHaveText(/^Booked:/);
      // (Once the page is drawn again with the new appointment.)
      await expect(page.getByRole("region", { name: "Your appointments" }).getByRole("listitem")).toHaveCount(1);
      // A time that clashes with it, tapped to say why. (Not any unbookable time: one
      // taken by the other size's family may be freed while this runs, and a
      // clash may be taken by another family meanwhile, so either reason will do.)
      const clash = regions.nth(1).locator("button.slot-clash").first();
      await expect(clash).toHaveAttribute("aria-disabled", "true");
      await clash.click({ force: true });
      await expect(regions.nth(1).locator(".slot-picker .slot-why:not([hidden])")).toHaveText(/^\d\d:\d\d, (you are with|too close to|taken)/);
      await scan("booking");
      await regions.nth(0).getByRole("button", { name: "Change time" }).first().click();
      await scan("booking, changing a time");
      const appointments = page.getByRole("region", { name: "Your appointments" });
      await appointments.getByRole("button", { name: /^Cancel / }).click();
      await scan("booking, asked to confirm a cancellation");
      await appointments.getByRole("button", { name: "Yes, cancel it" }).click();
      await expect(page.getByRole("status").filter({ hasText: "Cancelled:" })).toBeVisible();

      // "Plan my evening": its choices, then the proposed timeline.
      await page.getByRole("button", { name: "Plan my evening" }).click();
      await scan("booking, planning the evening");
      await page.getByRole("button", { name: "Find the best times" }).click();
      await expect(page.getByRole("heading", { name: "Your plan" })).toBeFocused();
      await scan("booking, the proposed plan");
      // Joining a teacher's waiting list: the choice of when the family can come.
      await page.locator("details.waitlist-join summary").first().click();
      await expect(page.locator("details.waitlist-join[open] form").first()).toBeVisible();
      await scan("booking, joining a waiting list");

      for (const [name, link, heading] of [
        ["profile", "Profile", "Your profile"],
        ["directory", "Directory", "Directory"],
        ["account", "Account", "Your account"],
      ]) {
        await page.getByRole("link", { name: link, exact: true }).click();
        await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
        await scan(name);
      }
      await page.getByRole("link", { name: "Directory", exact: true }).click();
      await page.locator("main a[href^='/directory/']").first().click();
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      await scan("a person in the directory");
    });
  });
}
