import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { providerInfo, type Provider } from "../../functions/src/providers";
import { fakeAnthropicKey, fakeGeminiKey, fakeOpenAiKey, fakeOpenRouterKey } from "../support/keys";
import {
  aiAnswerTimeoutMs,
  alertText,
  browserSessions,
  generateQuestions,
  keyField,
  openProviderCard,
  pageAndStorageContents,
  providerCard,
  saveKey,
  screenshot,
  signUp,
} from "./browser";

/** The provider added next to Gemini; saving its key asks its stand-in to check it. */
const second = { provider: "openai", label: "OpenAI", fakeKey: () => fakeOpenAiKey(), prefix: "sk-proj-", defaultModel: "gpt-6-luna" } as const;

/** The compact row of a provider without a key: its one button, "Add an OpenRouter key". */
const addKeyButton = (page: Page, provider: Provider) => {
  const { label } = providerInfo[provider];
  return page.getByRole("button", { name: `Add ${/^[AEIOU]/.test(label) ? "an" : "a"} ${label} key`, exact: true });
};

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
    // Without any key, the first provider's form is open and every other provider is one compact row.
    // The run's first apiKeyStatus may start a cold emulator worker.
    await providerCard(page, "googleai").getByText("No key saved yet").waitFor({ timeout: aiAnswerTimeoutMs });
    for (const provider of ["openai", "anthropic", "openrouter"] as const) {
      await addKeyButton(page, provider).waitFor();
      assert.equal(await providerCard(page, provider).count(), 0, `${provider} shows as a row, not a card`);
    }
    for (const provider of ["googleai", "openai", "anthropic", "openrouter"] as const) {
      await openProviderCard(page, provider);
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
    await page.reload();
    await page.getByRole("heading", { level: 1, name: "Settings" }).waitFor();
    // Cards with a key stay as they are; the others are rows again on a fresh visit.
    await addKeyButton(page, "anthropic").waitFor();
    await addKeyButton(page, "openrouter").waitFor();
    await screenshot(page, "settings-rows");

    // Nobody chose yet: the first provider with a key pays, Gemini.
    await goToPractice(page);
    await page.getByText("Your Gemini key will pay for this practice, on gemini-flash-latest.").waitFor();

    await goToSettings(page);
    const choice = page.getByRole("group", { name: "Which key pays for practice" });
    assert.ok(await choice.getByRole("radio", { name: "Automatic: first available" }).isChecked());
    await choice.getByRole("radio", { name: second.label, exact: true }).check();
    await page.getByRole("button", { name: "Save choice" }).click();
    // The run's first setPreferredProvider starts a cold emulator worker (as History's first save does).
    await page.getByRole("status").filter({ hasText: `Practice now uses your ${second.label} key.` }).waitFor({ timeout: aiAnswerTimeoutMs });

    await goToPractice(page);
    await page.getByText(`Your ${second.label} key will pay for this practice, on ${second.defaultModel}.`).waitFor();
    const keyForPractice = page.getByLabel("Key for this practice");
    assert.equal(await keyForPractice.inputValue(), second.provider);
    // Another key for this practice only.
    await keyForPractice.selectOption({ label: "Your Gemini key" });
    await page.getByText("Your Gemini key will pay for this practice, on gemini-flash-latest.").waitFor();

    await page.reload();
    await page.getByRole("heading", { level: 1, name: "Practice" }).waitFor();
    await page.getByText(`Your ${second.label} key will pay for this practice, on ${second.defaultModel}.`).waitFor();
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

    await openProviderCard(page, "openai");
    await keyField(page, "openai").fill(fakeAnthropicKey());
    await openAiCard.getByRole("button", { name: "Save and verify" }).click();
    await fieldError.getByText("This looks like an Anthropic key: add it under Anthropic, not OpenAI.").waitFor();
    assert.equal(await keyField(page, "openai").getAttribute("aria-invalid"), "true");
    assert.equal(await keyField(page, "openai").inputValue(), "", "a refused key does not stay in the field");
    assert.ok(await keyField(page, "openai").evaluate((field) => field === document.activeElement), "the field has the focus again");

    await keyField(page, "openai").fill(fakeOpenAiKey("", "admin"));
    await openAiCard.getByRole("button", { name: "Save and verify" }).click();
    await fieldError.getByText(/This is an OpenAI admin key: it can manage an organization but cannot call models\./).waitFor();

    await openProviderCard(page, "anthropic");
    await keyField(page, "anthropic").fill(fakeAnthropicKey("", "oauth"));
    await providerCard(page, "anthropic").getByRole("button", { name: "Save and verify" }).click();
    await page.locator("#anthropic-api-key-error").getByText(/not an API key: the Anthropic API does not accept it/).waitFor();

    // An OpenRouter key offered as OpenAI's is OpenRouter's, whatever OpenAI's legacy "sk-" shape would take.
    await keyField(page, "openai").fill(fakeOpenRouterKey());
    await openAiCard.getByRole("button", { name: "Save and verify" }).click();
    await fieldError.getByText("This looks like an OpenRouter key: add it under OpenRouter, not OpenAI.").waitFor();

    assert.equal(sent(), sentBefore, "nothing was sent");
  });

  it("leads from a failure to the pages of the provider it is about", async () => {
    const session = await openSession();
    const { page } = session;
    await signUp(page);
    const openAiCard = providerCard(page, "openai");
    const fieldError = page.locator("#openai-api-key-error");

    await openProviderCard(page, "openai");
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
    await saveKey(page, fakeOpenRouterKey(), "openrouter");

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
    await providerCard(page, "googleai").getByText("No key saved yet").waitFor();
    for (const provider of ["openai", "anthropic", "openrouter"] as const) await addKeyButton(page, provider).waitFor();
    assert.equal(await removeAll.count(), 0, "nothing is left to remove");
    assert.ok(await keyField(page).evaluate((field) => field === document.activeElement), "adding a key is next: the first key field has the focus");
    await openProviderCard(page, second.provider);
    await providerCard(page, second.provider)
      .getByRole("list", { name: `${second.label} key events, newest first` })
      .getByText("Key removed")
      .waitFor();

    await page.reload();
    await page.getByRole("heading", { level: 1, name: "Settings" }).waitFor();
    await providerCard(page, "googleai").getByText("No key saved yet").waitFor();
    for (const provider of ["openai", "anthropic", "openrouter"] as const) await addKeyButton(page, provider).waitFor();
    await goToPractice(page);
    await page.getByText("You haven't added an API key of your own yet.").waitFor();
    await page.getByRole("link", { name: "Add one in Settings" }).waitFor();
  });

  it("OpenRouter: a compact row that opens into its form, and the key's credit on its card, refreshed after a call", async () => {
    const session = await openSession();
    const { page } = session;
    await signUp(page);
    await saveKey(page, fakeGeminiKey());
    const row = addKeyButton(page, "openrouter");
    assert.equal(await row.getAttribute("aria-expanded"), "false");
    await row.click();
    assert.ok(await keyField(page, "openrouter").evaluate((field) => field === document.activeElement), "the opened form's key field has the focus");
    assert.equal(await keyField(page, "openrouter").getAttribute("placeholder"), "sk-or-v1-…");

    const apiKey = fakeOpenRouterKey();
    await saveKey(page, apiKey, "openrouter");
    const card = providerCard(page, "openrouter");
    await card.getByText(`sk-or-v1-…${apiKey.slice(-4)}`, { exact: true }).waitFor();
    await card.getByText("$7.50 of $10.00 left").waitFor();
    await screenshot(page, "settings-openrouter-credit");

    // OpenRouter pays from now on.
    await page.getByRole("group", { name: "Which key pays for practice" }).getByRole("radio", { name: "OpenRouter", exact: true }).check();
    await page.getByRole("button", { name: "Save choice" }).click();
    await page.getByRole("status").filter({ hasText: "Practice now uses your OpenRouter key." }).waitFor();

    // A call spends credit; the card shows what OpenRouter reports after it, on the next visit to Settings.
    await generateQuestions(page, { count: 1 });
    // The run's first AI call may load Genkit in a cold function instance: waited for, with room for a busy machine.
    await page.getByText("Generated with your own OpenRouter key.").waitFor({ timeout: aiAnswerTimeoutMs });
    await goToSettings(page);
    await providerCard(page, "openrouter").getByText("$7.49 of $10.00 left").waitFor();

  });

  it("OpenRouter: a 402 at use says the credit ran out and links OpenRouter's credits page", async () => {
    const session = await openSession();
    const { page } = session;
    await signUp(page);
    // The only key, so it pays.
    await saveKey(page, fakeOpenRouterKey("402"), "openrouter");
    await providerCard(page, "openrouter").getByText("$0.00 of $2.50 left").waitFor();
    await generateQuestions(page, { count: 1 });
    assert.match(await alertText(page), /Your OpenRouter credit has run out/);
    assert.equal(await page.getByRole("alert").getByRole("link", { name: /^Add OpenRouter credits/ }).getAttribute("href"), "https://openrouter.ai/settings/credits");
  });

  it("OpenRouter: a moderation refusal says the request was declined, without blaming the key", async () => {
    const session = await openSession();
    const { page } = session;
    await signUp(page);
    await saveKey(page, fakeOpenRouterKey("403"), "openrouter");
    await generateQuestions(page, { count: 1 });
    const declined = await alertText(page);
    assert.match(declined, /OpenRouter declined this request/);
    assert.match(declined, /Your key is fine/);
    assert.doesNotMatch(declined, /rejected|invalid|replace/i);
  });

  it("at phone width, rows and the OpenRouter card fit the screen without sideways scrolling", async () => {
    const session = await openSession();
    const { page } = session;
    await page.setViewportSize({ width: 360, height: 740 });
    await signUp(page);
    await addKeyButton(page, "openrouter").waitFor();
    await screenshot(page, "settings-phone-rows");
    await saveKey(page, fakeOpenRouterKey(), "openrouter");
    await providerCard(page, "openrouter").getByText("$7.50 of $10.00 left").waitFor();
    await screenshot(page, "settings-phone-openrouter");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`);
    const rowBox = await page.locator(".provider-row").first().boundingBox();
    assert.ok(rowBox && rowBox.width <= 360, "a row fits the screen");
  });

  it("Practice keeps the Generate button in place while it finds out which key will pay", async () => {
    const { page } = await openSession();
    await signUp(page);
    // The run's first apiKeyStatus may start a cold emulator worker.
    await providerCard(page, "googleai").getByText("No key saved yet").waitFor({ timeout: aiAnswerTimeoutMs });
    // Practice asks for the user's keys each time it is shown: that answer is held back until the button is measured.
    let answerKeys!: () => void;
    const keysHeld = new Promise<void>((resolve) => (answerKeys = resolve));
    await page.route("**/apiKeyStatus", async (route) => {
      await keysHeld;
      await route.continue();
    });
    await goToPractice(page);
    const button = page.getByRole("button", { name: "Generate questions" });
    await page.getByText("Checking which key will pay…").waitFor();
    const before = await button.boundingBox();
    answerKeys();
    await page.getByText("You haven't added an API key of your own yet.").waitFor();
    const after = await button.boundingBox();
    // A button that moves as the line appears lets a click pressed on it be released elsewhere: then nothing is sent.
    assert.deepEqual(after, before);
  });

  it("Practice says so when it cannot find out which key will pay, and still offers to start", async () => {
    const { page } = await openSession();
    await signUp(page);
    await page.route("**/apiKeyStatus", (route) => route.abort("connectionfailed"));
    await goToPractice(page);
    await page.getByText("Which key will pay could not be checked; the server picks it as usual.").waitFor();
    assert.equal(await page.getByRole("button", { name: "Generate questions" }).isEnabled(), true);
  });

});
