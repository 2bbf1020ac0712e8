import { SignInPage } from "./fixtures/sign_in_page";
import { expect, test } from "./fixtures/test";
import { bearer, familyEmails, tokenFor } from "./fixtures/api";
import { DEMO_PASSWORD, demo } from "./fixtures/demo";

// Families no other spec books for with the demo teacher.
const CANDIDATES = [29, 28, 27, 26];
const TEACHER = "Mr Okafor";



test("a teacher running late reaches a waiting parent's page live, and clears with one tap", async ({ page, browser, request, signInPage }) => {
  const admin = await tokenFor(request, demo.admin.email);
  const emails = await familyEmails(request, admin);
  const evening = (await (await request.get("/api/evenings", bearer(admin))).json())[0].id;
  const details = await (await request.get(`/api/evenings/${evening}`, bearer(admin))).json();
  const teacher = details.teachers.find((t: { name: string }) => t.name === TEACHER);

  // A family whose child Mr Okafor teaches books a later time with him.
  let parent: { email: string; child: string; time: string } | undefined;
  for (const n of CANDIDATES) {
    const email = emails.filter((e) => e.endsWith(`.${n}@families.demo.confero.test`)).sort()[0];
    const token = await tokenFor(request, email);
    const me = await (await request.get("/api/me", bearer(token))).json();
    const child = me.children.find((c: { teachers: { teacher_name: string }[] }) => c.teachers.some((t) => t.teacher_name === TEACHER));
    if (!child) continue;
    const grid = await (await request.get(`/api/evenings/${evening}/slots?teacher_id=${teacher.id}`, bearer(token))).json();
    for (const slot of grid[0].slots.slice(10).filter((s: { state: string }) => s.state === "free")) {
      const booked = await request.post(`/api/evenings/${evening}/bookings`, {
        ...bearer(token),
        data: { teacher_id: teacher.id, student_id: child.id, start: slot.start },
      });
      if (booked.status() === 201) {
        parent = { email, child: child.given_name, time: slot.start.slice(11, 16) };
        break;
      }
    }
    if (parent) break;
  }
  expect(parent, "a family taught by Mr Okafor booked a later time").toBeDefined();
  const [h, m] = parent!.time.split(":").map(Number);
  const around = `${String(h + Math.floor((m + 10) / 60)).padStart(2, "0")}:${String((m + 10) % 60).padStart(2, "0")}`;

  await signInPage.goto();
  await signInPage.signIn(parent!.email, DEMO_PASSWORD);
  await expect(page).toHaveURL("/parent");
  await page.goto(`/parent/evenings/${evening}`);
  await expect(page.getByRole("region", { name: "Your appointments" })).toContainText(parent!.time);
  const banner = page.locator(".running-late");
  await expect(banner).toHaveCount(0);

  // The teacher, on a tablet, taps "10 min late" on the schedule.
  const tablet = await browser.newContext({ viewport: { width: 820, height: 1180 } });
  const teacherPage = await tablet.newPage();
  await new SignInPage(teacherPage).signInAs("teacher");
  await teacherPage.goto(`/teacher/evenings/${evening}`);
  const late = teacherPage.getByRole("group", { name: "How late you are running" });
  await late.getByRole("button", { name: "10 min late" }).click();
  await expect(late.getByRole("button", { name: "10 min late" })).toHaveAttribute("aria-pressed", "true");

  // The parent's page says so at once, without a reload, in a live region.
  await expect(banner).toHaveText(
    `${TEACHER} is running about 10 minutes late: ${parent!.child}’s ${parent!.time} appointment may start around ${around}.`,
    { timeout: 3_000 },
  );
  await expect(page.getByRole("status").filter({ hasText: "running about 10 minutes late" })).toBeVisible();

  // "On time" clears it, live too.
  await late.getByRole("button", { name: "On time" }).click();
  await expect(late.getByRole("button", { name: "On time" })).toHaveAttribute("aria-pressed", "true");
  await expect(banner).toHaveCount(0, { timeout: 3_000 });
  await tablet.close();
});
