import * as path from "node:path";
import type { Browser, Page } from "@playwright/test";
import { newSchool, openEvening, requireNewSchool, signIn, tokenOf } from "./fixtures/new_school";
import { OutboxPage } from "./fixtures/outbox_page";
import { expect, test } from "./fixtures/test";

// A school adopting Confero, from an empty school to families booking: the
// steps depend on each other, so they run in order, on the school that
// `cargo xtask test` creates beside the demo.
test.describe.configure({ mode: "serial" });

const samples = path.join(__dirname, "..", "..", "docs", "roster");
const shots = path.join(__dirname, "..", "artifacts", "screenshots");
const ASHA = "asha.patel@example.net";
const ASHA_PASSWORD = "asha's long passphrase";
const SAM = "sam.rivers@example.org";
const SAM_PASSWORD = "sam's long passphrase";

/** A page of its own (its own tab storage), signed in as the new school's admin. */
async function adminPage(browser: Browser): Promise<Page> {
  requireNewSchool();
  const page = await (await browser.newContext()).newPage();
  await signIn(page, newSchool.admin, newSchool.password);
  await expect(page).toHaveURL("/admin");
  return page;
}

/** The preview's section for one kind of record. */
function kind(page: Page, title: string) {
  return page.locator("section.roster-kind").filter({ has: page.getByRole("heading", { name: title, exact: true }) });
}

async function chooseFiles(page: Page, files: Record<string, string>) {
  for (const [label, file] of Object.entries(files)) {
    await page.getByLabel(label).setInputFiles(file);
  }
}

const allSamples = {
  "Students (students.csv)": path.join(samples, "students.csv"),
  "Parents and carers (guardians.csv)": path.join(samples, "guardians.csv"),
  "Staff (staff.csv)": path.join(samples, "staff.csv"),
  "Classes (classes.csv)": path.join(samples, "classes.csv"),
};

test("files with problems are reported by line and change nothing", async ({ browser }, info) => {
  const admin = await adminPage(browser);
  await admin.goto("/admin/roster");
  const bad = path.join(info.outputDir, "guardians.csv");
  const fs = await import("node:fs");
  fs.mkdirSync(info.outputDir, { recursive: true });
  fs.writeFileSync(
    bad,
    fs.readFileSync(path.join(samples, "guardians.csv"), "utf8").replace("asha.patel@example.net", "not-an-email"),
  );
  await chooseFiles(admin, { "Parents and carers (guardians.csv)": bad });
  await admin.getByRole("button", { name: "Preview the changes" }).click();
  await expect(admin.getByRole("heading", { name: /problems? in the files — nothing was changed/ })).toBeVisible();
  const row = admin.getByRole("row").filter({ hasText: "guardians.csv" }).first();
  await expect(row).toContainText("2");
  await expect(row).toContainText("Email");
  await admin.context().close();
});

test("an admin imports the roster: the dry run shows the changes, then they apply", async ({ browser }) => {
  const admin = await adminPage(browser);
  await admin.getByRole("link", { name: /Import the roster/ }).click();
  await expect(admin.getByRole("heading", { level: 1, name: "Import the roster" })).toBeVisible();
  await chooseFiles(admin, allSamples);
  await admin.getByRole("button", { name: "Preview the changes" }).click();
  await expect(kind(admin, "Students")).toContainText("12 added, 0 updated, 0 removed");
  await expect(kind(admin, "Classes")).toContainText("5 added");
  for (const [device, viewport] of [
    ["phone", { width: 390, height: 844 }],
    ["tablet", { width: 820, height: 1180 }],
    ["desktop", { width: 1280, height: 800 }],
  ] as const) {
    await admin.setViewportSize(viewport);
    await admin.screenshot({ path: path.join(shots, `${device}-riverside-roster-preview.png`), fullPage: true });
  }
  await admin.getByRole("button", { name: "Apply these changes" }).click();
  await expect(admin.getByRole("status").filter({ hasText: "The roster is imported." })).toBeVisible();
  // Previewing the same files again finds nothing to change.
  await admin.getByRole("button", { name: "Preview the changes" }).click();
  await expect(admin.getByText("The roster already matches these files")).toBeVisible();
  await admin.context().close();
});

test("an invited parent opens the link, chooses a password, sees their children and books", async ({ browser, request }) => {
  const admin = await adminPage(browser);
  await admin.goto("/admin/people");
  await admin.getByLabel("Name or email").fill("Asha");
  await admin.getByRole("button", { name: "Search" }).click();
  await admin.getByRole("button", { name: "Invite Asha Patel" }).click();
  await expect(admin.getByRole("status").filter({ hasText: "Invitation sent." })).toBeVisible();
  await admin.screenshot({ path: path.join(shots, "desktop-riverside-people.png"), fullPage: true });
  const link = await new OutboxPage(admin).linkIn(ASHA, /invites you/);
  expect(link).toContain("/welcome#code=");
  await admin.screenshot({ path: path.join(shots, "desktop-riverside-outbox.png"), fullPage: true });

  const parent = await (await browser.newContext()).newPage();
  await parent.goto(link);
  await expect(parent.getByRole("heading", { level: 1, name: "Welcome to Confero" })).toBeVisible();
  expect(parent.url(), "the code leaves the address bar").not.toContain("code=");
  await parent.getByLabel("New password").fill(ASHA_PASSWORD);
  await parent.getByLabel("Type it again").fill(ASHA_PASSWORD);
  await parent.getByRole("button", { name: "Set my password and sign in" }).click();
  await expect(parent).toHaveURL("/parent");
  await expect(parent.getByRole("heading", { level: 1, name: "Your children" })).toBeVisible();
  await expect(parent.getByText("Noah Patel")).toBeVisible();
  await expect(parent.getByText("Maya Patel")).toBeVisible();

  await openEvening(request, await tokenOf(admin));
  await parent.reload();
  await parent.getByRole("link", { name: "Book appointments" }).first().click();
  await parent.getByRole("button", { name: /^Book \d\d:\d\d with Mrs Jones for Noah/ }).first().click();
  await expect(parent.getByRole("status").filter({ hasText: "Booked:" })).toBeVisible();
  await parent.context().close();
  await admin.context().close();
});

test("a join request is confirmed by email and approved into an account", async ({ browser }) => {
  requireNewSchool();
  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto(`/join/${newSchool.id}`);
  await expect(visitor.getByRole("heading", { level: 1, name: "Ask to join your school" })).toBeVisible();
  await visitor.getByLabel("Your first name").fill("Sam");
  await visitor.getByLabel("Your family name").fill("Rivers");
  await visitor.getByLabel("Your email").fill(SAM);
  await visitor.getByLabel("Child 1: full name").fill("Leo Martin");
  await visitor.getByLabel("Class or year").fill("7A");
  await visitor.getByRole("button", { name: "Ask to join" }).click();
  await expect(visitor.getByRole("status")).toContainText("We’ve emailed you a link");

  const admin = await adminPage(browser);
  const confirm = await new OutboxPage(admin).linkIn(SAM, /Confirm your email/);
  await visitor.goto(confirm);
  await expect(visitor.getByRole("status")).toContainText("your address is confirmed");

  await admin.goto("/admin/join-requests");
  const card = admin.getByRole("article", { name: "Sam Rivers" });
  await card.getByLabel("Leo Martin (7)").check();
  await card.getByLabel("Relationship to the children").fill("stepfather");
  await admin.screenshot({ path: path.join(shots, "desktop-riverside-join-requests.png"), fullPage: true });
  await card.getByRole("button", { name: "Approve Sam" }).click();
  await expect(card.getByRole("status")).toContainText("Approved");

  const welcome = await new OutboxPage(admin).linkIn(SAM, /approved your request/);
  await visitor.goto(welcome);
  await visitor.getByLabel("New password").fill(SAM_PASSWORD);
  await visitor.getByLabel("Type it again").fill(SAM_PASSWORD);
  await visitor.getByRole("button", { name: "Set my password and sign in" }).click();
  await expect(visitor).toHaveURL("/parent");
  await expect(visitor.getByText("Leo Martin")).toBeVisible();
  await visitor.context().close();
  await admin.context().close();
});

test("a join request is rejected with a reason the person reads", async ({ browser }) => {
  requireNewSchool();
  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto(`/join/${newSchool.id}`);
  await visitor.getByLabel("Your first name").fill("Ada");
  await visitor.getByLabel("Your family name").fill("Stone");
  await visitor.getByLabel("Your email").fill("ada.stone@example.org");
  await visitor.getByLabel("Child 1: full name").fill("Nobody Here");
  await visitor.getByLabel("Class or year").fill("7A");
  await visitor.getByRole("button", { name: "Ask to join" }).click();
  const admin = await adminPage(browser);
  await visitor.goto(await new OutboxPage(admin).linkIn("ada.stone@example.org", /Confirm your email/));
  await expect(visitor.getByRole("status")).toContainText("confirmed");
  await admin.goto("/admin/join-requests");
  const card = admin.getByRole("article", { name: "Ada Stone" });
  await card.getByLabel("Or reject, with the reason they will read").fill("We have no pupil called Nobody Here.");
  await card.getByRole("button", { name: "Reject Ada" }).click();
  await expect(card.getByRole("status")).toContainText("Rejected");
  const outbox = new OutboxPage(admin);
  await expect(async () => {
    await outbox.goto();
    await expect(outbox.message("ada.stone@example.org", /Your request to join/)).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  await visitor.context().close();
  await admin.context().close();
});

test("a forgotten password is reset with an emailed link", async ({ browser }) => {
  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto("/signin");
  await visitor.getByRole("link", { name: "Forgotten your password?" }).click();
  await visitor.getByLabel("Email").fill(SAM);
  await visitor.getByRole("button", { name: "Email me a link" }).click();
  await expect(visitor.getByRole("status")).toContainText("a link to choose a new password is on its way");
  const admin = await adminPage(browser);
  const link = await new OutboxPage(admin).linkIn(SAM, /new Confero password/);
  await visitor.goto(link);
  await expect(visitor.getByRole("heading", { level: 1, name: "Choose a new password" })).toBeVisible();
  await visitor.getByLabel("New password").fill("sam's newer passphrase");
  await visitor.getByLabel("Type it again").fill("sam's newer passphrase");
  await visitor.getByRole("button", { name: "Save and sign in" }).click();
  await expect(visitor).toHaveURL("/parent");
  await visitor.context().close();
  await admin.context().close();
});

test("a re-import that drops a parent cancels their booking, frees the slot live and tells the teacher", async ({ browser }, info) => {
  // Sam (Leo's stepfather, also in Mrs Jones's class) watches the evening.
  const watcher = await (await browser.newContext()).newPage();
  await signIn(watcher, SAM, "sam's newer passphrase");
  await watcher.getByRole("link", { name: "Book appointments" }).first().click();
  const taken = watcher.getByRole("button", { name: /^\d\d:\d\d, taken$/ }).first();
  await expect(taken).toBeVisible();
  const time = (await taken.getAttribute("aria-label"))!.slice(0, 5);

  const admin = await adminPage(browser);
  await admin.goto("/admin/roster");
  const fs = await import("node:fs");
  fs.mkdirSync(info.outputDir, { recursive: true });
  const withoutAsha = path.join(info.outputDir, "guardians.csv");
  fs.writeFileSync(
    withoutAsha,
    fs.readFileSync(path.join(samples, "guardians.csv"), "utf8").split("\n").filter((l) => !l.startsWith("G2001,")).join("\n"),
  );
  await chooseFiles(admin, { "Parents and carers (guardians.csv)": withoutAsha });
  await admin.getByRole("button", { name: "Preview the changes" }).click();
  await expect(kind(admin, "Parents and carers")).toContainText("1 removed");
  // The admin is told what applying cancels before choosing to.
  await expect(admin.getByRole("note")).toHaveText(
    "Applying cancels one future appointment because the parent or carer who booked leaves, or is no longer linked to the pupil. The families and teachers are emailed, and the times are freed.",
  );
  await admin.screenshot({ path: path.join(shots, "desktop-riverside-reimport-preview.png"), fullPage: true });
  await admin.getByRole("button", { name: "Apply these changes" }).click();
  await expect(admin.getByRole("note")).toHaveCount(0);
  await expect(admin.getByRole("status").filter({ hasText: "One future appointment was cancelled" })).toBeVisible();

  // The slot frees on the watcher's page without a reload.
  await expect(watcher.getByRole("button", { name: new RegExp(`^Book ${time} with Mrs Jones for Leo`) })).toBeVisible({ timeout: 3000 });
  // Mrs Jones is told.
  const outbox = new OutboxPage(admin);
  await expect(async () => {
    await outbox.goto();
    await expect(outbox.message("m.jones@riverside.example", /^Cancelled:/)).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  // Asha can no longer sign in.
  const gone = await (await browser.newContext()).newPage();
  await signIn(gone, ASHA, ASHA_PASSWORD);
  await expect(gone.getByRole("alert")).toContainText("don’t match an account");
  await gone.context().close();
  await watcher.context().close();
  await admin.context().close();
});
