import { expect, test } from "./fixtures/test";

// A link drawn as the primary button ("Book appointments") keeps its white
// text under the pointer: the plain link's hover colour (the button's own
// dark blue) once made it a blank dark box.
test("a primary button that is a link stays readable when hovered", async ({ page, signInPage }) => {
  await signInPage.signInAs("parent");
  const book = page.getByRole("link", { name: "Book appointments" }).first();
  await book.hover();
  const { color, background } = await book.evaluate((el) => {
    const style = getComputedStyle(el);
    return { color: style.color, background: style.backgroundColor };
  });
  expect(color).toBe("rgb(255, 255, 255)");
  expect(background).not.toBe(color);
});
