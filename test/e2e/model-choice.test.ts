import assert from "node:assert/strict";
import { geminiStandIn } from "../support/hooks";
import { fakeGeminiKey } from "../support/keys";
import { browserSessions, generateQuestions, providerCard, saveKey, screenshot, signUp } from "./browser";

describe("web app: the model a key runs on (browser)", function () {
  this.timeout(120_000);
  const openSession = browserSessions();

  it("chooses a model in Settings, Practice names it in the who-pays line, and Gemini is asked for it; Automatic goes back to the default", async () => {
    const { page } = await openSession();
    await signUp(page);
    const apiKey = fakeGeminiKey();
    await saveKey(page, apiKey);

    const card = providerCard(page);
    const modelSelect = card.getByRole("combobox", { name: /^Model/ });
    await modelSelect.getByRole("option", { name: /gemini-flash-lite-latest/ }).waitFor({ state: "attached" });
    assert.equal(await modelSelect.inputValue(), "", "a new key runs on Automatic");
    const options = await modelSelect.getByRole("option").allInnerTexts();
    assert.equal(options[0], "Automatic (default: gemini-flash-latest)");
    assert.ok(options.some((option) => /gemini-flash-lite-latest.*recommended/.test(option)), options.join(" | "));
    assert.ok(!options.some((option) => /embedding|imagen|tts/i.test(option)), "models that cannot answer in JSON are not offered");

    await modelSelect.selectOption("gemini-flash-lite-latest");
    await card.getByRole("button", { name: /^Save model/ }).click();
    await card.getByRole("status").filter({ hasText: "Your Gemini key now runs on gemini-flash-lite-latest." }).waitFor();
    await screenshot(page, "settings-model-choice");

    await generateQuestions(page, { count: 1 });
    await page.getByText("Your Gemini key will pay for this practice, on gemini-flash-lite-latest.").waitFor();
    await page.getByRole("heading", { name: "Your questions" }).waitFor();
    const generations = geminiStandIn().requests.filter((request) => request.apiKey === apiKey && request.method === "POST");
    assert.deepEqual(
      generations.map((request) => request.model),
      ["gemini-flash-lite-latest"],
    );

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
    await page.getByRole("heading", { level: 1, name: "Settings" }).waitFor();
    await modelSelect.getByRole("option", { name: /gemini-flash-lite-latest/ }).waitFor({ state: "attached" });
    assert.equal(await modelSelect.inputValue(), "gemini-flash-lite-latest");
    await modelSelect.selectOption("");
    await card.getByRole("button", { name: /^Save model/ }).click();
    await card.getByRole("status").filter({ hasText: "Automatic: your key runs on gemini-flash-latest." }).waitFor();
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Practice" }).click();
    await page.getByRole("button", { name: "Start over with a new interview" }).click();
    await page.getByText("Your Gemini key will pay for this practice, on gemini-flash-latest.").waitFor();
  });
});
