import * as path from "node:path";
import { DEMO_PASSWORD, demo, viewports } from "./fixtures/demo";
import { signIn } from "./fixtures/new_school";
import { expect, test } from "./fixtures/test";

const shots = path.join(__dirname, "..", "artifacts", "screenshots");
/** A demo parent no other test uses: this one is erased for good. */
const LINH = "linh.williams.1@families.demo.confero.test";

test("a parent asks to be erased, the office erases her, and she can no longer sign in", async ({ browser }) => {
  const parent = await (await browser.newContext()).newPage();
  await signIn(parent, LINH, DEMO_PASSWORD);
  await parent.getByRole("link", { name: "Profile" }).click();
  await parent.getByRole("button", { name: "Ask the school to erase my data…" }).click();
  await parent.getByRole("button", { name: "Yes, ask to erase my data" }).click();
  await expect(parent.getByRole("status").filter({ hasText: "You asked the school to erase your data" })).toBeVisible();

  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, demo.admin.email, DEMO_PASSWORD);
  await expect(admin).toHaveURL(demo.admin.home);
  await admin.goto("/admin/people");
  await admin.getByLabel("Name or email").fill("Linh Williams");
  await admin.getByRole("button", { name: "Search" }).click();
  const row = admin.getByRole("row").filter({ hasText: "Linh Williams" });
  await expect(row).toContainText("Asked to be erased");
  await admin.setViewportSize(viewports.desktop);
  await admin.screenshot({ path: path.join(shots, "desktop-people-erasure-request.png"), fullPage: true });
  admin.once("dialog", (dialog) => {
    expect(dialog.message()).toContain("cannot be undone");
    void dialog.accept();
  });
  await row.getByRole("button", { name: "Erase Linh Williams’s data" }).click();
  await expect(admin.getByRole("status").filter({ hasText: "Erased" })).toBeVisible();
  await expect(admin.getByRole("row").filter({ hasText: "Linh Williams" })).toHaveCount(0);

  // Her session is over, and her address and password no longer open anything.
  await parent.reload();
  await expect(parent).toHaveURL(/\/signin/);
  await signIn(parent, LINH, DEMO_PASSWORD);
  await expect(parent.getByRole("alert")).toBeVisible();
  await expect(parent).toHaveURL(/\/signin/);
  for (const page of [parent, admin]) await page.context().close();
});
