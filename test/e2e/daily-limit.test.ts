import assert from "node:assert/strict";
import { fakeGeminiKey } from "../support/keys";
import { alertText, browserSessions, generateQuestions, saveKey, signUp } from "./browser";

describe("web app: the daily limit on one's own key (browser)", function () {
  this.timeout(90_000);
  const openSession = browserSessions();

  it("sets a limit in Settings, shows \"1 of 1 today\" after a call, refuses the next, and removes it", async () => {
    const { page } = await openSession();
    await signUp(page);
    await saveKey(page, fakeGeminiKey());

    const limitField = page.getByLabel("Daily limit on AI requests with your key");
    await limitField.fill("0");
    await page.getByRole("button", { name: "Save limit" }).click();
    await page.getByText(/Enter a whole number from 1 to 10000/).waitFor();

    await limitField.fill("1");
    await page.getByRole("button", { name: "Save limit" }).click();
    await page.getByRole("status").filter({ hasText: "Daily limit set to 1 request a day." }).waitFor();
    await page.getByText("0 of 1 today", { exact: true }).waitFor();

    await generateQuestions(page, { count: 1 });
    await page.getByRole("heading", { name: "Your questions" }).waitFor();
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
    await page.getByText("1 of 1 today", { exact: true }).waitFor();

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Practice" }).click();
    await page.getByRole("button", { name: "Start over with a new interview" }).click();
    await generateQuestions(page, { count: 1 });
    assert.match(await alertText(page), /daily limit allows on your key/);

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
    await page.getByRole("button", { name: "Remove limit" }).click();
    await page.getByRole("status").filter({ hasText: "Daily limit removed." }).waitFor();
    await page.getByText("1 today", { exact: true }).waitFor();
  });
});
