import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { Page } from "playwright-core";
import { startEmulatorWorkers } from "../support/emulator-workers";
import { fakeGeminiKey } from "../support/keys";
import { aiAnswerTimeoutMs, browserSessions, cspViolations, generateQuestions, pageAndStorageContents, saveKey, screenshot, signUp } from "./browser";

/** History in the browser: each practice kept, reopened, practised again, resumed after a reload, deleted. */
describe("web app: practice history (browser)", function () {
  this.timeout(120_000);
  const openSession = browserSessions();
  // What these pages call, started one at a time before the browser calls several at once.
  before(async function () {
    this.timeout(300_000);
    await startEmulatorWorkers(["apiKeyStatus", "apiKeyActivity", "setHistoryRetention", "setApiKey", "generateQuestions", "generateFeedback"]);
  });

  const openHistory = async (page: Page) => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "History" }).click();
    await page.getByRole("heading", { level: 1, name: "History" }).waitFor();
  };
  const answerAll = async (page: Page, text: string) => {
    const answers = page.getByRole("listitem").getByRole("textbox");
    await answers.first().waitFor();
    for (let index = 0; index < (await answers.count()); index++) await answers.nth(index).fill(`${text} ${index + 1}`);
  };

  it("shows a finished practice in History, with its progress chart, reopens it and practises its questions again", async () => {
    const session = await openSession();
    const { page } = session;
    const jobTitle = `Frontend engineer ${randomUUID().slice(0, 6)}`;
    await signUp(page);
    await saveKey(page, fakeGeminiKey());
    await generateQuestions(page, { jobTitle, count: 2 });
    await page.getByRole("heading", { name: "Your questions" }).waitFor({ timeout: aiAnswerTimeoutMs });
    const questionTexts = await page.locator(".question-text").allInnerTexts();
    await answerAll(page, "I measured first, then cut the bundle in half.");
    await page.getByRole("button", { name: "Get feedback" }).click();
    await page.getByRole("heading", { name: "Your feedback" }).waitFor({ timeout: aiAnswerTimeoutMs });
    // The overall score as the feedback shows it: "80", then "/100" (and " out of 100" for screen readers).
    const score = /^\s*(\d+)/.exec(await page.getByRole("region", { name: "Your feedback" }).locator(".score-value").first().innerText())![1];

    await openHistory(page);
    const item = page.getByRole("listitem").filter({ hasText: jobTitle });
    await item.waitFor();
    const itemText = await item.innerText();
    assert.match(itemText, /Technical interview|Mixed interview|Behavioral interview/);
    assert.match(itemText, /Gemini · gemini-flash-latest/);
    assert.match(itemText, new RegExp(`${score}\\s*/100`));

    // Progress: an SVG group named by its title, described by the text alternative, and a table view.
    const chart = page.getByRole("group", { name: `Overall score over time: ${jobTitle}` });
    await chart.waitFor();
    const description = await chart.evaluate((svg) => document.getElementById(svg.getAttribute("aria-describedby") ?? "")?.textContent ?? "");
    assert.match(description, new RegExp(`${jobTitle}: one finished practice, scored ${score} out of 100`));
    await page.getByText(new RegExp(`${jobTitle}: one finished practice`)).first().waitFor();
    await screenshot(page, "history");
    await page.setViewportSize({ width: 375, height: 800 });
    await screenshot(page, "history-phone");
    await page.setViewportSize({ width: 1200, height: 900 });
    await page.getByRole("button", { name: "Show as a table" }).click();
    const rows = page.getByRole("table").getByRole("row");
    assert.equal(await rows.count(), 2, "a header and one practice");
    assert.match(await rows.nth(1).innerText(), new RegExp(`${score} / 100`));
    await page.getByRole("button", { name: "Show as a chart" }).click();

    // A point opens its practice: the questions, the answers and the feedback as Practice showed them.
    await chart.getByRole("link").first().click();
    await page.getByRole("heading", { level: 1, name: jobTitle }).waitFor();
    await page.getByRole("heading", { name: "Feedback" }).waitFor();
    for (const text of questionTexts) await page.getByRole("heading", { level: 3, name: text }).waitFor();
    // Practice, hidden but mounted, still shows its own feedback: only History's is visible.
    await page.getByText("Your answer").filter({ visible: true }).first().click();
    await page.getByText("I measured first, then cut the bundle in half. 1").filter({ visible: true }).waitFor();
    await screenshot(page, "history-practice");

    await page.getByRole("button", { name: "Practise these questions again" }).click();
    await page.getByRole("heading", { level: 1, name: "Practice" }).waitFor();
    await page.getByRole("heading", { name: "Your questions" }).waitFor({ timeout: aiAnswerTimeoutMs });
    assert.deepEqual(await page.locator(".question-text").allInnerTexts(), questionTexts);
    assert.equal(await page.getByRole("listitem").getByRole("textbox").first().inputValue(), "", "a fresh attempt");
    await answerAll(page, "Second attempt: I profiled, then split the route.");
    await page.getByRole("button", { name: "Get feedback" }).click();
    await page.getByRole("heading", { name: "Your feedback" }).waitFor({ timeout: aiAnswerTimeoutMs });

    await openHistory(page);
    await page.getByRole("listitem").filter({ hasText: jobTitle }).first().waitFor();
    assert.equal(await page.getByRole("listitem").filter({ hasText: jobTitle }).count(), 1, "the same practice, not a new one");
    await page.getByRole("link", { name: jobTitle }).click();
    await page.getByLabel("Attempt").waitFor();
    assert.equal(await page.getByLabel("Attempt").locator("option").count(), 2, "both attempts are kept");
    assert.deepEqual(cspViolations(session.consoleOutput), [], "the Content-Security-Policy blocked nothing");
  });

  it("keeps the answers typed so far through a reload, and lists the practice as not finished", async () => {
    const session = await openSession();
    const { page } = session;
    const apiKey = fakeGeminiKey();
    const jobTitle = `Data analyst ${randomUUID().slice(0, 6)}`;
    await signUp(page);
    await saveKey(page, apiKey);
    await generateQuestions(page, { jobTitle, count: 2 });
    await page.getByRole("heading", { name: "Your questions" }).waitFor({ timeout: aiAnswerTimeoutMs });
    const first = page.getByRole("listitem").getByRole("textbox").first();
    await first.fill("Half an answer, typed before the reload");

    await page.reload();
    await page.getByRole("heading", { name: "Your questions" }).waitFor({ timeout: aiAnswerTimeoutMs });
    assert.equal(await page.getByRole("listitem").getByRole("textbox").first().inputValue(), "Half an answer, typed before the reload");
    assert.ok(!(await pageAndStorageContents(page)).includes(apiKey), "the key is never kept with the answers");

    await openHistory(page);
    assert.match(await page.getByRole("listitem").filter({ hasText: jobTitle }).innerText(), /Not finished/);
  });

  it("deletes all history after confirmation, and Settings offers the retention choice", async () => {
    const session = await openSession();
    const { page } = session;
    const jobTitle = `Support lead ${randomUUID().slice(0, 6)}`;
    await signUp(page);
    await page.getByRole("heading", { name: "Practice history" }).waitFor();
    await page.getByText("Each practice is deleted 365 days after you last practised it.").waitFor(); // the default, as read
    await page.getByRole("radio", { name: "30 days" }).check();
    await page.getByRole("region", { name: "Practice history" }).getByRole("button", { name: "Save" }).click();
    // The first setHistoryRetention of the run may start a cold emulator worker, as an AI call's does.
    await page.getByText("Saved. Each practice is deleted 30 days after you last practised it.").waitFor({ timeout: aiAnswerTimeoutMs });

    await saveKey(page, fakeGeminiKey());
    await generateQuestions(page, { jobTitle, count: 1 });
    await page.getByRole("heading", { name: "Your questions" }).waitFor({ timeout: aiAnswerTimeoutMs });
    await openHistory(page);
    await page.getByRole("listitem").filter({ hasText: jobTitle }).waitFor();

    await page.getByRole("button", { name: "Delete all history" }).click();
    const dialog = page.getByRole("dialog", { name: "Delete all your history?" });
    await dialog.waitFor();
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "hidden" });
    assert.equal(await page.getByRole("listitem").filter({ hasText: jobTitle }).count(), 1, "Cancel deletes nothing");

    await page.getByRole("button", { name: "Delete all history" }).click();
    await dialog.getByRole("button", { name: "Delete all history" }).click();
    await page.getByRole("status").filter({ hasText: "Your history was deleted (1 practice)." }).waitFor();
    await page.getByText("No practice yet.").waitFor();
    await page.reload();
    await page.getByText("No practice yet.").waitFor();
  });
});
