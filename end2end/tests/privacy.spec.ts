import { expect, test } from "./fixtures/test";

test("a whole visit sets no cookie and talks to no third party", async ({ page, context, signInPage, shell, foreignRequests }) => {
  const requested: string[] = [];
  page.on("request", (r) => requested.push(r.url()));
  await signInPage.signInAs("parent");
  await page.getByRole("link", { name: "Account" }).click();
  await page.getByRole("link", { name: "Children" }).click();
  await page.reload();
  await shell.signOut.click();
  await expect(signInPage.heading).toBeVisible();

  expect(requested.length).toBeGreaterThan(3);
  expect(foreignRequests).toEqual([]);
  expect(await context.cookies()).toEqual([]);
  expect(await page.evaluate(() => document.cookie)).toBe("");
});

test("every response forbids indexing and cookies, and the CSP allows only this origin", async ({ page, signInPage }) => {
  const responses: { url: string; headers: Record<string, string> }[] = [];
  page.on("response", async (r) => responses.push({ url: r.url(), headers: await r.allHeaders() }));
  await signInPage.signInAs("admin");
  expect(responses.length).toBeGreaterThan(3);
  for (const { url, headers } of responses) {
    expect(headers["set-cookie"], url).toBeUndefined();
    expect(headers["x-robots-tag"], url).toContain("noindex");
  }
  const document = responses.find((r) => r.url.endsWith("/signin"));
  expect(document?.headers["content-security-policy"]).toMatch(/^default-src 'self';/);
});

test("robots.txt disallows everything", async ({ request }) => {
  const body = await (await request.get("/robots.txt")).text();
  expect(body).toContain("Disallow: /");
});
