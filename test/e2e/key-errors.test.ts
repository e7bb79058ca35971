import assert from "node:assert/strict";
import { geminiStandIn } from "../support/hooks";
import { fakeGeminiKey } from "../support/keys";
import { alertText, browserSessions, generateQuestions, keyField, saveKey, signUp } from "./browser";

describe("web app: key problems, as the user sees them (browser)", function () {
  this.timeout(90_000);
  const openSession = browserSessions();

  it("rejects an invalid key with a message beside the field, and stores nothing", async () => {
    const session = await openSession();
    const { page } = session;
    await signUp(page);

    await keyField(page).fill(fakeGeminiKey("invalidkey"));
    await page.getByRole("button", { name: "Save and verify" }).click();
    const fieldError = page.getByText("Google rejected this key, so it was not saved.");
    await fieldError.waitFor();
    assert.equal(await keyField(page).getAttribute("aria-invalid"), "true");
    assert.ok(await page.getByRole("link", { name: /Open Google AI Studio/ }).isVisible());
    await page.getByText("No key saved yet").waitFor();

    await page.reload();
    await page.getByRole("heading", { level: 1, name: "Settings" }).waitFor();
    await page.getByText("No key saved yet").waitFor();
  });

  it("keeps a malformed key in the browser: it is never sent", async () => {
    const session = await openSession();
    const { page } = session;
    await signUp(page);
    const sentBefore = session.requestUrls.filter((url) => url.endsWith("/setApiKey")).length;

    await keyField(page).fill("AIza-too-short");
    await page.getByRole("button", { name: "Save and verify" }).click();
    await page.getByText("That doesn't look like a Gemini API key.").waitFor();
    assert.equal(session.requestUrls.filter((url) => url.endsWith("/setApiKey")).length, sentBefore);
  });

  it("explains that a quota belongs to the key's Google project", async () => {
    const session = await openSession();
    const { page } = session;
    await signUp(page);
    // `genquota`: the key checks out, but every generation answers 429 RESOURCE_EXHAUSTED.
    await saveKey(page, fakeGeminiKey("genquota"));

    await generateQuestions(page);
    assert.match(await alertText(page), /Your Gemini key has run out of quota\. The quota belongs to your key's Google project/);
    assert.ok(await page.getByRole("link", { name: /About Gemini quotas/ }).isVisible());
  });

  it("says Gemini is unavailable during an outage, keeping the form to try again", async () => {
    const session = await openSession();
    const { page } = session;
    await signUp(page);
    const apiKey = fakeGeminiKey();
    await saveKey(page, apiKey);
    geminiStandIn().setBehaviour(apiKey, { outcome: "overloaded" });

    await generateQuestions(page);
    assert.match(await alertText(page), /Gemini is temporarily unavailable\. Nothing is lost — try again in a moment\./);
    assert.equal(await page.getByLabel("Job title").inputValue(), "Frontend engineer");
    assert.equal(await page.getByRole("button", { name: "Generate questions" }).getAttribute("aria-disabled"), null);
  });

  it("after the key is removed, generating leads the user back to Settings to add one", async () => {
    const session = await openSession();
    const { page } = session;
    await signUp(page);
    await saveKey(page, fakeGeminiKey());

    await page.getByRole("button", { name: "Remove key" }).click();
    const dialog = page.getByRole("dialog", { name: "Remove your Gemini key?" });
    await dialog.getByRole("button", { name: "Remove key" }).click();
    await page.getByRole("status").filter({ hasText: "Your key was removed." }).waitFor();
    await page.getByText("No key saved yet").waitFor();

    await generateQuestions(page);
    assert.match(await alertText(page), /You haven't added a Gemini API key yet\./);
    await page.getByRole("link", { name: "Add your key in Settings" }).click();
    const heading = page.getByRole("heading", { level: 1, name: "Settings" });
    await heading.waitFor();
    assert.ok(await heading.evaluate((element) => element === document.activeElement), "the new page's heading has the focus");
    await page.getByText("No key saved yet").waitFor();
  });
});
