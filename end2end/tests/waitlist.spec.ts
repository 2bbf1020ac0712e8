import type { APIRequestContext } from "@playwright/test";
import { seriousViolations } from "./fixtures/axe";
import { expect, test } from "./fixtures/test";
import { familyEmails, tokenFor } from "./fixtures/api";
import { DEMO_PASSWORD, demo } from "./fixtures/demo";

// A two-child family no other spec signs in as, and the families that may
// hold the time it waits for (none used by another spec either).
const WAITER = "carys.o-connor.3@families.demo.confero.test";
const HOLDER_FAMILIES = [17, 18, 21, 22, 23, 25, 26, 27, 28, 29];


type Child = { id: number; given_name: string; teachers: { teacher_name: string }[] };
type Slot = { start: string; end: string; state: string };

async function api(request: APIRequestContext, token: string, path: string) {
  const response = await request.get(path, { headers: { Authorization: `Bearer ${token}` } });
  expect(response.ok()).toBe(true);
  return response.json();
}

/** The first guardian of each candidate family, from the office's guardians export. */
async function candidates(request: APIRequestContext): Promise<string[]> {
  const admin = await tokenFor(request, demo.admin.email);
  const emails = await familyEmails(request, admin);
  return HOLDER_FAMILIES.map((n) => emails.filter((e) => e.endsWith(`.${n}@families.demo.confero.test`)).sort()[0]).filter(Boolean);
}

// axe runs on the page with the offer: the test browser bypasses the CSP to inject it.
test.use({ bypassCSP: true });

test("a family on a waiting list is offered a freed time live and books it with one tap", async ({ page, request, signInPage }) => {
  const waiter = await tokenFor(request, WAITER);
  const me = await api(request, waiter, "/api/me");
  const child: Child = me.children[0];
  const evenings = await api(request, waiter, "/api/evenings");
  const evening = evenings[0].id;
  const details = await api(request, waiter, `/api/evenings/${evening}`);
  const teacherOf = (name: string) => details.teachers.find((t: { name: string }) => t.name === name);

  // Another family with a child taught by one of this child's teachers takes a late time.
  let held: { token: string; booking: number; teacher: { id: number; name: string }; slot: Slot } | undefined;
  for (const email of await candidates(request)) {
    const token = await tokenFor(request, email);
    const theirs: Child[] = (await api(request, token, "/api/me")).children;
    for (const other of theirs) {
      const shared = other.teachers.map((t) => t.teacher_name).find((n) => child.teachers.some((t) => t.teacher_name === n));
      if (!shared) continue;
      const teacher = teacherOf(shared);
      const grid = await api(request, token, `/api/evenings/${evening}/slots?teacher_id=${teacher.id}`);
      const slots: Slot[] = grid[0].slots;
      for (const slot of slots.slice(8).filter((s) => s.state === "free")) {
        const booked = await request.post(`/api/evenings/${evening}/bookings`, {
          headers: { Authorization: `Bearer ${token}` },
          data: { teacher_id: teacher.id, student_id: other.id, start: slot.start },
        });
        if (booked.status() === 201) {
          held = { token, booking: (await booked.json()).id, teacher, slot };
          break;
        }
      }
      if (held) break;
    }
    if (held) break;
  }
  expect(held, "a family sharing a teacher holds a time").toBeDefined();
  const { teacher, slot } = held!;
  const time = slot.start.slice(11, 16);
  const end = slot.end.slice(11, 16);

  // The waiting family can only come at that time: they join the teacher's line.
  await signInPage.goto();
  await signInPage.signIn(WAITER, DEMO_PASSWORD);
  await expect(page).toHaveURL("/parent");
  await page.goto(`/parent/evenings/${evening}`);
  const row = page.locator(`#row-${child.id}-${teacher.id}`);
  await row.getByText("None of these times suit? Join the waiting list").click();
  await row.getByLabel("From").selectOption({ label: time });
  await row.getByLabel("Until").selectOption({ label: end });
  await row.getByRole("button", { name: `Join ${teacher.name}'s waiting list` }).click();
  await expect(page.getByRole("status").filter({ hasText: `On ${teacher.name}'s waiting list for ${child.given_name}` })).toBeVisible();
  await expect(row).toContainText(`waiting list for a time between ${time}–${end}: you are next`);
  await expect(page.getByRole("region", { name: "A time has come up" })).toHaveCount(0);

  // The other family cancels: the time is held for the waiting family, who hears of it live.
  const cancelled = await request.delete(`/api/bookings/${held!.booking}`, {
    headers: { Authorization: `Bearer ${held!.token}` },
  });
  expect(cancelled.status()).toBe(200);
  const offer = page.getByRole("region", { name: "A time has come up" });
  await expect(offer).toBeVisible();
  await expect(offer).toContainText(`${child.given_name} `);
  await expect(offer).toContainText(`with ${teacher.name}`);
  await expect(offer).toContainText(/held for you until \d\d:\d\d/);
  await expect(row).toContainText("a time is held for you");
  expect(await seriousViolations(page), "the offer and the waiting place").toEqual([]);

  await offer.getByRole("button", { name: `Book ${time}` }).click();
  await expect(page.getByRole("status").filter({ hasText: `Booked: ${child.given_name}` })).toContainText(`at ${time}.`);
  await expect(page.getByRole("region", { name: "A time has come up" })).toHaveCount(0);
  const appointments = page.getByRole("region", { name: "Your appointments" });
  await expect(appointments.getByRole("listitem").filter({ hasText: teacher.name })).toContainText(time);
  await expect(appointments.getByRole("listitem").filter({ hasText: teacher.name })).toContainText("Booked by you");
});
