import type { APIRequestContext } from "@playwright/test";
import { bearer, familyEmails, tokenFor } from "./fixtures/api";
import { DEMO_PASSWORD } from "./fixtures/demo";
import { expect, test } from "./fixtures/test";

/** The first demo guardians (by family) whose children are all in `year`, and one with a child in it. */
async function familiesByYear(request: APIRequestContext, adminToken: string) {
  let onlyYear7: string | undefined;
  let withYear11: string | undefined;
  for (const email of await familyEmails(request, adminToken)) {
    const me = await (await request.get("/api/me", bearer(await tokenFor(request, email)))).json();
    const years: string[] = me.children.map((c: { year_group: string }) => c.year_group);
    if (!onlyYear7 && years.every((y) => y === "Year 7")) onlyYear7 = email;
    if (!withYear11 && years.includes("Year 11") && !years.includes("Year 7")) withYear11 = email;
    if (onlyYear7 && withYear11) break;
  }
  return { onlyYear7: onlyYear7!, withYear11: withYear11! };
}

/** Reads one CSV line, honouring quotes. */
function cells(line: string): string[] {
  const out: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted && c === '"' && line[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (c === "," && !quoted) {
      out.push(cell);
      cell = "";
    } else {
      cell += c;
    }
  }
  out.push(cell);
  return out;
}

test("an admin edits an evening's audience and a parent of another year no longer sees it", async ({ page, browser, signInPage, request }) => {
  const admin = await tokenFor(request, "admin@demo.confero.test");
  const { onlyYear7, withYear11 } = await familiesByYear(request, admin);
  // An evening for Years 7 and 11, published, three months ahead: after the
  // demo evening (two weeks ahead), so that stays first in every family's list.
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  const created = await request.post("/api/evenings", {
    ...bearer(admin),
    data: {
      name: "Spring science evening",
      sessions: [{ date: day(90), start: "16:00", end: "18:00" }],
      slot_minutes: 10,
      booking_opens_at: `${day(-30)}T08:00`,
      booking_closes_at: `${day(89)}T12:00`,
      cancel_until: `${day(89)}T12:00`,
      mode: "in_person",
      year_groups: ["Year 7", "Year 11"],
    },
  });
  expect(created.status()).toBe(201);
  const evening = await created.json();
  expect((await request.put(`/api/evenings/${evening.id}/status`, { ...bearer(admin), data: { status: "published" } })).status()).toBe(200);

  // The Year 7 family sees it.
  const family = await browser.newContext();
  const parent = await family.newPage();
  await parent.goto("/signin");
  await parent.getByLabel("Email").fill(onlyYear7);
  await parent.getByLabel("Password").fill(DEMO_PASSWORD);
  await parent.getByRole("button", { name: "Sign in" }).click();
  await expect(parent).toHaveURL("/parent");
  await expect(parent.getByRole("heading", { name: "Spring science evening" })).toBeVisible();
  // …and books a time in it for their Year 7 child.
  const year7Token = await tokenFor(request, onlyYear7);
  const child = (await (await request.get("/api/me", bearer(year7Token))).json()).children[0];
  const grid = await (await request.get(`/api/evenings/${evening.id}/slots`, bearer(year7Token))).json();
  const column = grid.find((c: { teacher_name: string }) => c.teacher_name === child.teachers[0].teacher_name);
  const booked = await request.post(`/api/evenings/${evening.id}/bookings`, {
    ...bearer(year7Token),
    data: { teacher_id: column.teacher_id, student_id: child.id, start: column.slots[2].start },
  });
  expect(booked.status()).toBe(201);

  // The office changes it to Year 11 only, in the form.
  await signInPage.signInAs("admin");
  const item = page.locator("li.evening").filter({ hasText: "Spring science evening" });
  await expect(item).toContainText("For Year 7, Year 11");
  await item.getByRole("link", { name: "Change Spring science evening" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Change Spring science evening" })).toBeVisible();
  const audience = page.getByRole("group", { name: "Who is it for?" });
  await expect(audience.getByLabel("Some year groups or classes")).toBeChecked();
  await expect(audience.getByLabel("Year 7")).toBeChecked();
  await audience.getByLabel("Year 7").uncheck();
  await page.getByRole("button", { name: "Save changes" }).click();
  // Refused first: the Year 7 child's appointment would be left without an evening.
  const refusal = page.getByRole("alert").filter({ hasText: "Not saved" });
  await expect(refusal).toContainText(`${child.given_name} ${child.family_name}`);
  await expect(page).toHaveURL(`/admin/evenings/${evening.id}/edit`);
  await refusal.getByRole("button", { name: /^Cancel it and save/ }).click();
  await expect(page).toHaveURL("/admin");
  await expect(item).toContainText("For Year 11");

  // The Year 7 family no longer sees it, in the list or at its address.
  await parent.reload();
  await expect(parent.getByRole("heading", { level: 1, name: "Your children" })).toBeVisible();
  await expect(parent.getByRole("heading", { name: "Autumn parents' evening" })).toBeVisible();
  await expect(parent.getByRole("heading", { name: "Spring science evening" })).toHaveCount(0);
  await parent.goto(`/parent/evenings/${evening.id}`);
  await expect(parent.getByRole("alert")).toBeVisible();
  await expect(parent.getByRole("heading", { name: "Spring science evening" })).toHaveCount(0);
  await family.close();

  // The family's appointment is cancelled, and they are told why.
  const theirBooking = await request.get(`/api/bookings/${(await booked.json()).id}`, bearer(year7Token));
  expect((await theirBooking.json()).status).toBe("cancelled");

  // A Year 11 family still does, through the API as their phone would.
  const year11 = await tokenFor(request, withYear11);
  const theirs = await (await request.get("/api/evenings", bearer(year11))).json();
  expect(theirs.map((e: { name: string }) => e.name)).toContain("Spring science evening");

  // Tidy: archived, so no other family's list carries it.
  await request.put(`/api/evenings/${evening.id}/status`, { ...bearer(admin), data: { status: "archived" } });
});

test("the overview's counts match the bookings, and the office books for a pupil with none", async ({ page, signInPage, request }) => {
  const admin = await tokenFor(request, "admin@demo.confero.test");
  const evening = (await (await request.get("/api/evenings", bearer(admin))).json()).find(
    (e: { name: string }) => e.name === "Autumn parents' evening",
  );
  // A pupil of a family no other spec books for: demo family 60's only child.
  const csv = await (await request.get("/api/guardians.csv", bearer(admin))).text();
  const row = csv.split("\n").map(cells).find((r) => /\.60@families\.demo\.confero\.test$/.test(r[1] ?? ""))!;
  const pupil = row[6];

  await signInPage.signInAs("admin");
  await page.getByRole("link", { name: "Overview of Autumn parents' evening" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Autumn parents' evening" })).toBeVisible();

  // The numbers agree with the school's list of bookings (other specs book as
  // this runs, so read both until they are from the same moment).
  const appointments = page.getByRole("definition").first();
  await expect(async () => {
    await page.reload();
    const list = await (await request.get(`/api/bookings?evening_id=${evening.id}&as=admin`, bearer(admin))).json();
    await expect(appointments).toHaveText(String(list.length), { timeout: 2_000 });
    // Each teacher's "Booked" column agrees too.
    const table = page.getByRole("table", { name: "Each teacher's times: booked, free or not available" });
    const counts = new Map<string, number>();
    for (const b of list) counts.set(b.teacher_name, (counts.get(b.teacher_name) ?? 0) + 1);
    for (const [teacher, count] of counts) {
      await expect(table.getByRole("row", { name: new RegExp(`^${teacher} `) }).getByRole("cell").first()).toHaveText(String(count), { timeout: 2_000 });
    }
  }).toPass({ timeout: 30_000 });
  // The year groups add up to the whole.
  const years = page.getByRole("table", { name: "By year group" });
  await expect(years.getByRole("row")).toHaveCount(6);

  // The pupil has no appointment; the office books one from the list.
  const unbooked = page.getByRole("region", { name: "No appointment yet" });
  // A long list shows its first rows until asked for all.
  const showAll = unbooked.getByRole("button", { name: /^Show all / });
  if (await showAll.isVisible()) await showAll.click();
  await expect(unbooked.getByRole("row", { name: new RegExp(pupil) })).toBeVisible();
  await unbooked.getByRole("button", { name: `Book for ${pupil}` }).click();
  await expect(page.getByLabel("Pupil's name")).toBeFocused();
  await expect(page.getByLabel("Pupil's name")).toHaveValue(pupil);
  const card = page.getByRole("list", { name: "Pupils found" }).getByRole("listitem").filter({ hasText: pupil }).first();
  const time = card.getByRole("combobox").first();
  const options = await time.locator("option").count();
  await time.selectOption({ index: Math.floor(options / 2) });
  await card.getByRole("button", { name: new RegExp(`^Book ${pupil} with `) }).first().click();
  await expect(page.getByRole("status").filter({ hasText: `Booked: ${pupil} with ` })).toBeVisible();
  await expect(unbooked.getByRole("row", { name: new RegExp(pupil) })).toHaveCount(0);
  await expect(card.getByText(/^Booked \d\d:\d\d$/).first()).toBeVisible();
});
