import assert from "node:assert/strict";
import { geminiStandIn } from "../support/hooks";
import { fakeGeminiKey } from "../support/keys";
import {
  browserSessions,
  cspViolations,
  generateQuestions,
  keyField,
  pageAndStorageContents,
  providerCard,
  saveKey,
  screenshot,
  signUp,
} from "./browser";

describe("web app: the practice journey (browser)", function () {
  this.timeout(90_000);
  const openSession = browserSessions();

  it("signs up, saves a key, generates questions, takes answers and shows feedback", async () => {
    const session = await openSession();
    const { page } = session;
    await page.getByRole("heading", { level: 1, name: "Sign in" }).waitFor();

    await signUp(page);
    await providerCard(page).getByText("No key saved yet").waitFor();
    // The field describes the keys AI Studio issues today, and is no password for the browser to offer to save.
    await page.getByText(/Create a key in Google AI Studio \(it starts with “AQ\.”\)/).waitFor();
    assert.equal(await keyField(page).getAttribute("placeholder"), "AQ.…");
    assert.equal(await keyField(page).getAttribute("autocomplete"), "new-password");

    const apiKey = fakeGeminiKey(); // an auth key, "AQ." + 50 characters
    await saveKey(page, apiKey);
    await page.getByText(`AQ.…${apiKey.slice(-4)}`, { exact: true }).waitFor();
    await page.getByText(/^Status:\s*Active$/).waitFor();
    assert.equal(await page.getByLabel("Replace with a new Gemini key").inputValue(), "", "the key field is emptied after saving");
    await screenshot(page, "settings");
    await page.setViewportSize({ width: 375, height: 800 });
    await screenshot(page, "settings-phone");
    await page.setViewportSize({ width: 1200, height: 900 });

    await generateQuestions(page, { jobTitle: "Frontend engineer", count: 3 });
    await page.getByRole("heading", { name: "Your questions" }).waitFor();
    await page.getByText("Generated with your own Gemini key.").waitFor();
    const answers = page.getByRole("listitem").getByRole("textbox");
    assert.equal(await answers.count(), 3);
    for (let index = 0; index < 3; index++) {
      await answers.nth(index).fill(`In my last role I led a migration; answer ${index + 1} with a measurable result.`);
    }

    await page.getByRole("button", { name: "Get feedback" }).click();
    await page.getByRole("heading", { name: "Your feedback" }).waitFor();
    const overall = await page.getByRole("region", { name: "Your feedback" }).innerText();
    assert.match(overall, /\d+\s*out of 100/);
    assert.match(overall, /Generated with your own Gemini key\./);
    assert.equal(await page.getByRole("heading", { level: 3 }).count(), 3, "one review per answered question");
    assert.equal(await page.getByRole("heading", { name: "Strengths" }).count(), 3);
    assert.equal(await page.getByRole("heading", { name: "To improve" }).count(), 3);
    await screenshot(page, "feedback");
    await page.setViewportSize({ width: 375, height: 800 });
    await screenshot(page, "feedback-phone");

    await page.getByRole("button", { name: "Start over" }).click();
    await page.getByRole("heading", { name: "New interview" }).waitFor();
    assert.equal(await page.getByLabel("Job title").inputValue(), "Frontend engineer", "the setup is kept for the next round");

    assert.deepEqual(cspViolations(session.consoleOutput), [], "the Content-Security-Policy blocked nothing");
  });

  it("never keeps the saved key in the page, the browser's storage, the console or a URL", async () => {
    const session = await openSession();
    const { page } = session;
    await signUp(page);
    const apiKey = fakeGeminiKey();

    await saveKey(page, apiKey);
    await providerCard(page).getByRole("button", { name: "Show key" }).click(); // shows the (now empty) field's text

    const stored = await pageAndStorageContents(page);
    assert.ok(!stored.includes(apiKey), "the key is not in the DOM or web storage");
    assert.ok(stored.includes("firebase:authUser"), "the check did read the storage where Auth keeps the session");
    assert.ok(!session.consoleOutput.some((line) => line.includes(apiKey)), "the key is not in the console");
    assert.ok(!session.requestUrls.some((url) => url.includes(apiKey)), "the key is not in any URL");
    assert.ok(!page.url().includes(apiKey));

    await page.reload();
    await page.getByRole("heading", { level: 1, name: "Settings" }).waitFor();
    await page.getByText(`AQ.…${apiKey.slice(-4)}`, { exact: true }).waitFor();
    assert.ok(!(await pageAndStorageContents(page)).includes(apiKey), "a reload brings back only the hint");
  });

  it("shows the server's progress while questions are written, and can cancel", async () => {
    const session = await openSession();
    const { page } = session;
    await signUp(page);
    const apiKey = fakeGeminiKey();
    await saveKey(page, apiKey);
    // Gemini "writes" until this test has seen the progress and cancelled, however long the browser
    // takes to show it: the answer is held at the stand-in rather than delayed by a fixed time.
    let release = () => {};
    geminiStandIn().setBehaviour(apiKey, { outcome: "ok", heldUntil: new Promise<void>((resolve) => (release = resolve)) });
    try {
      await generateQuestions(page);
      const progress = page.getByRole("status").filter({ hasText: "Writing your questions…" });
      await progress.waitFor();
      await progress.getByRole("listitem").first().waitFor();
      const generate = page.getByRole("button", { name: "Generate questions" });
      assert.equal(await generate.getAttribute("aria-disabled"), "true", "the form waits for the answer");

      await page.getByRole("button", { name: "Cancel" }).click();
      await progress.waitFor({ state: "detached" });
      assert.equal(await generate.getAttribute("aria-disabled"), null);
      assert.equal(await page.getByRole("alert").innerText(), "", "cancelling is not an error");
    } finally {
      release(); // the function's call ends, so its emulator worker is free for the next test
    }
  });
});
