import { expect, test } from "./fixtures/test";
import { bearer, tokenFor } from "./fixtures/api";
import { demo } from "./fixtures/demo";



test("marks and a note made offline survive a reload and arrive exactly once when the connection returns", async ({ page, context, request, signInPage }) => {
  // Three of the demo teacher's pupils booked with him, by the office.
  const admin = await tokenFor(request, demo.admin.email);
  const teacherToken = await tokenFor(request, demo.teacher.email);
  const me = await (await request.get("/api/me", bearer(teacherToken))).json();
  const evening = (await (await request.get("/api/evenings", bearer(admin))).json())[0].id;
  const students: number[] = [];
  for (const summary of me.classes) {
    const roster = await (await request.get(`/api/classes/${summary.id}`, bearer(admin))).json();
    students.push(...roster.students.map((s: { id: number }) => s.id));
  }
  const grid = await (await request.get(`/api/evenings/${evening}/slots?teacher_id=${me.id}`, bearer(admin))).json();
  const booked: { id: number; start: string }[] = [];
  let next = students.length - 1;
  // Late times and the last pupils: away from what other specs book at the same moment.
  for (const slot of grid[0].slots.slice(11)) {
    if (booked.length === 3) break;
    if (slot.state !== "free") continue;
    for (; next >= 0; next--) {
      const made = await request.post(`/api/evenings/${evening}/bookings`, {
        ...bearer(admin),
        data: { teacher_id: me.id, student_id: students[next], start: slot.start },
      });
      if (made.status() === 201) {
        booked.push({ id: (await made.json()).id, start: slot.start });
        next--;
        break;
      }
      if ((await made.json()).error.code === "slot_taken") break;
    }
  }
  expect(booked).toHaveLength(3);

  // The teacher's tablet, a minute into the last of them, online first.
  await page.clock.setFixedTime(new Date(Date.parse(booked[2].start) + 60_000));
  await signInPage.signInAs("teacher");
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.goto(`/teacher/evenings/${evening}`);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Your schedule");
  // Loaded again so the service worker has kept the staff build for an offline start.
  await page.reload();
  // (The page writes a zero offset as +00:00, the API as Z.)
  const rows = booked.map((b) => page.locator(`.schedule-row[data-start="${b.start.replace(/Z$/, "+00:00")}"]`));
  for (const row of rows) await expect(row.getByRole("button", { name: /^Attended: / })).toBeVisible();

  const sent: string[] = [];
  const notesSent: string[] = [];
  // What reached the server and was answered (an attempt the network drops is tried again).
  page.on("requestfinished", (r) => {
    if (r.method() === "PUT" && /\/api\/bookings\/\d+\/status$/.test(r.url())) sent.push(r.url());
    if (r.method() === "PUT" && /\/api\/bookings\/\d+\/note$/.test(r.url())) notesSent.push(r.url());
  });

  // The Wi-Fi drops: three marks wait on the device.
  await context.setOffline(true);
  for (const row of rows) {
    await row.getByRole("button", { name: /^Attended: / }).click();
    await expect(row).toContainText("waiting to send");
    await expect(row.getByRole("button", { name: /^Attended: / })).toHaveAttribute("aria-pressed", "true");
  }
  // And a private note on the first.
  const note = "Talk about the mock results; dad is coming.";
  await rows[0].getByText("Add a private note").click();
  await rows[0].getByLabel(/^Private note about .+ \(staff only\)$/).fill(note);
  await rows[0].getByRole("button", { name: "Save note" }).click();
  await expect(rows[0].locator(".staff-note")).toContainText(`${note} · waiting to send`);

  // A reload while offline still shows the schedule, saying how old it is, and the waiting marks.
  await page.reload();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Your schedule");
  await expect(page.locator(".offline-line")).toContainText(/Offline — last updated \d\d:\d\d/);
  for (const row of rows) await expect(row).toContainText("waiting to send");
  await expect(rows[0].locator(".staff-note")).toContainText(note);

  // Back online: each mark is sent once, and the server has all three.
  await context.setOffline(false);
  for (const row of rows) await expect(row).not.toContainText("waiting to send");
  await page.waitForTimeout(1_000);
  expect(sent.sort()).toEqual(booked.map((b) => `/api/bookings/${b.id}/status`).map((p) => new URL(p, page.url()).toString()).sort());
  for (const b of booked) {
    const one = await (await request.get(`/api/bookings/${b.id}`, bearer(admin))).json();
    expect(one.status).toBe("attended");
  }
  expect(notesSent).toHaveLength(1);
  const schedule = await (await request.get(`/api/bookings?evening_id=${evening}&as=teacher`, bearer(teacherToken))).json();
  expect(schedule.find((b: { id: number }) => b.id === booked[0].id).staff_note).toBe(note);
  await expect(rows[0].locator(".staff-note")).toHaveText(`Private note: ${note}`);
  await expect(page.locator(".offline-line")).toHaveCount(0);
});
