import assert from "node:assert/strict";
import { providerInfo } from "../../functions/src/providers";
import { geminiStandIn } from "../support/hooks";
import { fakeGeminiKey } from "../support/keys";
import { alertText, browserSessions, generateQuestions, keyField, providerCard, saveKey, screenshot, signUp } from "./browser";

const aiStudioKeysPage = "https://aistudio.google.com/app/apikey";

describe("web app: key problems, as the user sees them (browser)", function () {
  this.timeout(90_000);
  const openSession = browserSessions();

  it("rejects an invalid key with the server's message beside the field, empties the field, and stores nothing", async () => {
    const session = await openSession();
    const { page } = session;
    await signUp(page);

    await keyField(page).fill(fakeGeminiKey("invalidkey"));
    await providerCard(page).getByRole("button", { name: "Save and verify" }).click();
    const fieldError = page.locator("#googleai-api-key-error");
    await fieldError.getByText("Google rejected this key, so it was not saved.").waitFor();
    assert.equal(await keyField(page).getAttribute("aria-invalid"), "true");
    assert.equal(await fieldError.getByRole("link", { name: /Open Google AI Studio/ }).getAttribute("href"), aiStudioKeysPage);
    assert.equal(await keyField(page).inputValue(), "", "a refused key does not stay in the field");
    await providerCard(page).getByText("No key saved yet").waitFor();

    await page.reload();
    await page.getByRole("heading", { level: 1, name: "Settings" }).waitFor();
    await providerCard(page).getByText("No key saved yet").waitFor();
  });

  it("keeps a malformed key in the browser: it is never sent", async () => {
    const session = await openSession();
    const { page } = session;
    await signUp(page);
    const sentBefore = session.requestUrls.filter((url) => url.endsWith("/setApiKey")).length;

    await keyField(page).fill("AQ.too-short");
    await providerCard(page).getByRole("button", { name: "Save and verify" }).click();
    // The registry's own wording, which the server's KEY_FORMAT message uses too.
    await page
      .locator("#googleai-api-key-error")
      .getByText(`That does not look like a valid key. ${providerInfo.googleai.formatHint}`)
      .waitFor();
    assert.equal(session.requestUrls.filter((url) => url.endsWith("/setApiKey")).length, sentBefore);
    assert.equal(await keyField(page).inputValue(), "");
  });

  it("refuses a retired “AIza” key with advice to create a new one, and stores nothing", async () => {
    const session = await openSession();
    const { page } = session;
    await signUp(page);
    await providerCard(page).getByText("No key saved yet").waitFor();

    // Well-formed, so it goes to Google, which refuses every standard key since the 2026 cut-off.
    await keyField(page).fill(fakeGeminiKey("", "standard"));
    await providerCard(page).getByRole("button", { name: "Save and verify" }).click();
    const fieldError = page.locator("#googleai-api-key-error");
    await fieldError.getByText(/Google no longer accepts keys that start with “AIza”.*Create a new key in Google AI Studio \(it starts with “AQ\.”\)/).waitFor();
    assert.doesNotMatch(await fieldError.innerText(), /Check it in Google AI Studio/, "not the advice for a mistyped key");
    assert.equal(await fieldError.getByRole("link", { name: /Open Google AI Studio/ }).getAttribute("href"), aiStudioKeysPage);
    assert.equal(await keyField(page).getAttribute("aria-invalid"), "true");
    assert.equal(await page.getByRole("alert").filter({ hasText: /\S/ }).count(), 0, "the message sits beside the field, not above the form");
    assert.equal(await keyField(page).inputValue(), "", "a refused key does not stay in the field");
    await providerCard(page).getByText("No key saved yet").waitFor();
    await screenshot(page, "settings-retired-key");

    await page.reload();
    await page.getByRole("heading", { level: 1, name: "Settings" }).waitFor();
    await providerCard(page).getByText("No key saved yet").waitFor();
  });

  it("explains that a quota belongs to the key's Google project", async () => {
    const session = await openSession();
    const { page } = session;
    await signUp(page);
    // `genquota`: the key checks out, but every generation answers 429 RESOURCE_EXHAUSTED.
    await saveKey(page, fakeGeminiKey("genquota"));

    await generateQuestions(page);
    assert.match(await alertText(page), /Your Gemini key has run out of quota\. The quota belongs to your key's Google project/);
    const quotaLink = page.getByRole("alert").getByRole("link", { name: /About Gemini quotas/ });
    assert.equal(await quotaLink.getAttribute("href"), "https://ai.google.dev/gemini-api/docs/rate-limits");
  });

  it("says Gemini is busy when its models are overloaded, keeping the form to try again", async () => {
    const session = await openSession();
    const { page } = session;
    await signUp(page);
    const apiKey = fakeGeminiKey();
    await saveKey(page, apiKey);
    geminiStandIn().setBehaviour(apiKey, { outcome: "overloaded" });

    await generateQuestions(page);
    // Every model answers 503 for this key: the default, its fallback, then the fallback once more.
    assert.match(await alertText(page), /Gemini is busy right now\. Nothing was charged; try again in a moment\./);
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
    await page.getByRole("status").filter({ hasText: "Your Gemini key was removed." }).waitFor();
    await providerCard(page).getByText("No key saved yet").waitFor();

    await generateQuestions(page);
    assert.match(await alertText(page), /You haven't added an API key yet\. Interview AI runs on your own key \(Gemini, OpenAI, Anthropic or OpenRouter\): add one in Settings\./);
    await page.getByRole("alert").getByRole("link", { name: "Go to Settings" }).click();
    const heading = page.getByRole("heading", { level: 1, name: "Settings" });
    await heading.waitFor();
    assert.ok(await heading.evaluate((element) => element === document.activeElement), "the new page's heading has the focus");
    await providerCard(page).getByText("No key saved yet").waitFor();
  });
});
