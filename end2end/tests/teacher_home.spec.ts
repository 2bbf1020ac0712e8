import { viewports } from "./fixtures/demo";
import { expect, test } from "./fixtures/test";

// The teacher's home draws their classes at once and the school's evenings
// when they arrive, above them. While the evenings load, their place is kept
// at the size of one evening's card: with the demo school's one evening, the
// class cards do not move when it arrives, so a tap aimed at a class in the
// first moment opens that class, not the evening.
for (const device of ["phone", "tablet", "desktop"] as const) {
  test(`${device}: the classes stay where they are when the evenings arrive`, async ({ page, signInPage }) => {
    await page.setViewportSize(viewports[device]);
    await signInPage.signInAs("teacher");
    await expect(page.getByRole("link", { name: "Your schedule" }).first()).toBeVisible();

    // Back to the home with the evenings held back until the classes are measured.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    // Other specs add evenings to the shared demo school: the teacher is
    // shown the demo's own one, as a school with one evening would be.
    await page.route(/\/api\/evenings$/, async (route) => {
      await held;
      const response = await route.fetch();
      const evenings: { name: string }[] = await response.json();
      await route.fulfill({ response, json: evenings.filter((e) => e.name === "Autumn parents' evening") });
    });
    await page.goto("/teacher");
    const firstClass = page.locator(".class-list a").first();
    await expect(firstClass).toBeVisible();
    await expect(page.getByRole("status").filter({ hasText: "Loading evenings" })).toBeVisible();
    const before = await firstClass.boundingBox();

    release();
    await expect(page.getByRole("link", { name: "Your schedule" })).toHaveCount(1);
    await expect(page.getByRole("status").filter({ hasText: "Loading" })).toHaveCount(0);
    const after = await firstClass.boundingBox();
    expect(before, "the class card was drawn while loading").not.toBeNull();
    expect(Math.abs((after?.y ?? 0) - (before?.y ?? 0)), `the first class moved at ${device} size`).toBeLessThanOrEqual(1);
  });
}
