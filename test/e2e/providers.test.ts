import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { providerInfo } from "../../functions/src/providers";
import { fakeAnthropicKey, fakeGeminiKey, fakeOpenAiKey } from "../support/keys";
import {
  alertText,
  browserSessions,
  generateQuestions,
  keyField,
  pageAndStorageContents,
  providerCard,
  saveKey,
  screenshot,
  signUp,
} from "./browser";

/** The provider added next to Gemini; saving its key asks its stand-in to check it. */
const second = { provider: "openai", label: "OpenAI", fakeKey: () => fakeOpenAiKey(), prefix: "sk-proj-" } as const;

const mainNav = (page: Page) => page.getByRole("navigation", { name: "Main" });

async function goToPractice(page: Page): Promise<void> {
  await mainNav(page).getByRole("link", { name: "Practice" }).click();
  await page.getByRole("heading", { level: 1, name: "Practice" }).waitFor();
}

async function goToSettings(page: Page): Promise<void> {
  await mainNav(page).getByRole("link", { name: "Settings" }).click();
  await page.getByRole("heading", { level: 1, name: "Settings" }).waitFor();
}

describe("web app: keys of several providers (browser)", function () {
  this.timeout(120_000);
  const openSession = browserSessions();

  it(`adds an ${second.label} key next to the Gemini one, switches the preferred provider, and Practice says which key pays before it starts`, async () => {
    const session = await openSession();
    const { page } = session;
    await signUp(page);
    for (const provider of ["googleai", "openai", "anthropic"] as const) {
      const card = providerCard(page, provider);
      await card.getByText("No key saved yet").waitFor();
      // Each card leads to its provider's own keys page.
      const keysLink = card.getByRole("link", { name: /^Get a key / });
      assert.equal(await keysLink.getAttribute("href"), providerInfo[provider].keysUrl);
    }
    assert.equal(await keyField(page, "openai").getAttribute("placeholder"), "sk-proj-…");
    assert.equal(await keyField(page, "openai").getAttribute("autocomplete"), "new-password");

    const geminiKey = fakeGeminiKey();
    const secondKey = second.fakeKey();
    await saveKey(page, geminiKey);
    await saveKey(page, secondKey, second.provider);
    const secondCard = providerCard(page, second.provider);
    await secondCard.getByText(`${second.prefix}…${secondKey.slice(-4)}`, { exact: true }).waitFor();
    await secondCard.getByText(/^Status:\s*Active$/).waitFor();
    assert.equal(await keyField(page, second.provider).inputValue(), "", "the key field is emptied after saving");
    await providerCard(page, "googleai").getByText(`AQ.…${geminiKey.slice(-4)}`, { exact: true }).waitFor();
    await providerCard(page, "anthropic").getByText("No key saved yet").waitFor();
    await screenshot(page, "settings-two-providers");

    // Nobody chose yet: the first provider with a key pays, Gemini.
    await goToPractice(page);
    await page.getByText("Your Gemini key will pay for this practice.").waitFor();

    await goToSettings(page);
    const choice = page.getByRole("group", { name: "Which key pays for practice" });
    assert.ok(await choice.getByRole("radio", { name: "Automatic: first available" }).isChecked());
    await choice.getByRole("radio", { name: second.label, exact: true }).check();
    await page.getByRole("button", { name: "Save choice" }).click();
    await page.getByRole("status").filter({ hasText: `Practice now uses your ${second.label} key.` }).waitFor();

    await goToPractice(page);
    await page.getByText(`Your ${second.label} key will pay for this practice.`).waitFor();
    const keyForPractice = page.getByLabel("Key for this practice");
    assert.equal(await keyForPractice.inputValue(), second.provider);
    // Another key for this practice only.
    await keyForPractice.selectOption({ label: "Your Gemini key" });
    await page.getByText("Your Gemini key will pay for this practice.").waitFor();

    await page.reload();
    await page.getByRole("heading", { level: 1, name: "Practice" }).waitFor();
    await page.getByText(`Your ${second.label} key will pay for this practice.`).waitFor();
    await screenshot(page, "practice-who-pays");

    await generateQuestions(page, { count: 1 });
    await page.getByRole("heading", { name: "Your questions" }).waitFor();
    await page.getByText(`Generated with your own ${second.label} key.`).waitFor();

    const stored = await pageAndStorageContents(page);
    assert.ok(!stored.includes(secondKey) && !stored.includes(geminiKey), "no key is in the page or the browser's storage");
  });

  it("refuses another provider's key, or a kind that cannot call models, before sending it", async () => {
    const session = await openSession();
    const { page } = session;
    await signUp(page);
    const sent = () => session.requestUrls.filter((url) => url.endsWith("/setApiKey")).length;
    const sentBefore = sent();
    const openAiCard = providerCard(page, "openai");
    const fieldError = page.locator("#openai-api-key-error");

    await keyField(page, "openai").fill(fakeAnthropicKey());
    await openAiCard.getByRole("button", { name: "Save and verify" }).click();
    await fieldError.getByText("This looks like an Anthropic key: add it under Anthropic, not OpenAI.").waitFor();
    assert.equal(await keyField(page, "openai").getAttribute("aria-invalid"), "true");
    assert.equal(await keyField(page, "openai").inputValue(), "", "a refused key does not stay in the field");
    assert.ok(await keyField(page, "openai").evaluate((field) => field === document.activeElement), "the field has the focus again");

    await keyField(page, "openai").fill(fakeOpenAiKey("", "admin"));
    await openAiCard.getByRole("button", { name: "Save and verify" }).click();
    await fieldError.getByText(/This is an OpenAI admin key: it can manage an organization but cannot call models\./).waitFor();

    await keyField(page, "anthropic").fill(fakeAnthropicKey("", "oauth"));
    await providerCard(page, "anthropic").getByRole("button", { name: "Save and verify" }).click();
    await page.locator("#anthropic-api-key-error").getByText(/not an API key: the Anthropic API does not accept it/).waitFor();

    assert.equal(sent(), sentBefore, "nothing was sent");
  });

  it("leads from a failure to the pages of the provider it is about", async () => {
    const session = await openSession();
    const { page } = session;
    await signUp(page);
    const openAiCard = providerCard(page, "openai");
    const fieldError = page.locator("#openai-api-key-error");

    await keyField(page, "openai").fill(fakeOpenAiKey("invalidkey"));
    await openAiCard.getByRole("button", { name: "Save and verify" }).click();
    await fieldError.getByText(/^OpenAI rejected this key, so it was not saved\./).waitFor();
    assert.equal(await fieldError.getByRole("link", { name: /^Open the OpenAI dashboard/ }).getAttribute("href"), providerInfo.openai.keysUrl);
    assert.equal(await keyField(page, "openai").inputValue(), "", "a refused key does not stay in the field");

    // A restricted key without access to models: OpenAI takes it, but Interview AI cannot use it.
    await keyField(page, "openai").fill(fakeOpenAiKey("noscope"));
    await openAiCard.getByRole("button", { name: "Save and verify" }).click();
    await fieldError.getByText(/lacks a permission Interview AI needs/).waitFor();
    assert.equal(await fieldError.getByRole("link", { name: /^Open the OpenAI dashboard/ }).getAttribute("href"), providerInfo.openai.keysUrl);
    await openAiCard.getByText("No key saved yet").waitFor();

    // Checks out, but every generation finds the account out of credit.
    await saveKey(page, fakeOpenAiKey("nocredit"), "openai");
    await generateQuestions(page, { count: 1 });
    assert.match(await alertText(page), /Your OpenAI key has run out of credit/);
    assert.equal(
      await page.getByRole("alert").getByRole("link", { name: /^About OpenAI billing/ }).getAttribute("href"),
      providerInfo.openai.quotaUrl,
    );
  });

  it("removes every key at once after confirmation, and every card then shows no key", async () => {
    const session = await openSession();
    const { page } = session;
    await signUp(page);
    await saveKey(page, fakeGeminiKey());
    await saveKey(page, second.fakeKey(), second.provider);
    await saveKey(page, fakeAnthropicKey(), "anthropic");

    const removeAll = page.getByRole("button", { name: "Remove all keys" });
    await removeAll.click();
    const dialog = page.getByRole("dialog", { name: "Remove all your keys?" });
    await dialog.waitFor();
    assert.ok(await dialog.getByRole("button", { name: "Cancel" }).evaluate((button) => button === document.activeElement), "the dialog opens on its safe choice");
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    assert.ok(await removeAll.evaluate((button) => button === document.activeElement), "focus returns to the button that opened it");
    await providerCard(page, second.provider).getByText(/^Status:\s*Active$/).waitFor();

    await removeAll.click();
    await dialog.getByRole("button", { name: "Remove all keys" }).click();
    await page.getByRole("status").filter({ hasText: "All your keys were removed." }).waitFor();
    for (const provider of ["googleai", "openai", "anthropic"] as const) {
      await providerCard(page, provider).getByText("No key saved yet").waitFor();
    }
    assert.equal(await removeAll.count(), 0, "nothing is left to remove");
    assert.ok(await keyField(page).evaluate((field) => field === document.activeElement), "adding a key is next: the first key field has the focus");
    await providerCard(page, second.provider)
      .getByRole("list", { name: `${second.label} key events, newest first` })
      .getByText("Key removed")
      .waitFor();

    await page.reload();
    await page.getByRole("heading", { level: 1, name: "Settings" }).waitFor();
    for (const provider of ["googleai", "openai", "anthropic"] as const) {
      await providerCard(page, provider).getByText("No key saved yet").waitFor();
    }
    await goToPractice(page);
    await page.getByText("You haven't added an API key of your own yet.").waitFor();
    await page.getByRole("link", { name: "Add one in Settings" }).waitFor();
  });
});
