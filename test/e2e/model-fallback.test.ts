import { busyModelMarker } from "../../dev/gemini-stand-in/server";
import { fakeGeminiKey } from "../support/keys";
import { browserSessions, generateQuestions, saveKey, signUp } from "./browser";

describe("web app: a busy model's fallback and today's tokens (browser)", function () {
  this.timeout(120_000);
  const openSession = browserSessions();

  it("says which model answered when the default was busy, and Settings shows today's calls and tokens", async () => {
    const { page } = await openSession();
    await signUp(page);
    // The stand-in answers the first model this key asks for (the default) with Google's 503 "high demand".
    await saveKey(page, fakeGeminiKey(busyModelMarker));

    await generateQuestions(page, { count: 1 });
    await page.getByRole("heading", { name: "Your questions" }).waitFor();
    await page.getByText("Answered by gemini-flash-lite-latest (gemini-flash-latest was busy).", { exact: true }).waitFor();

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
    // Gemini has no row in the price table, so no cost is shown: calls and tokens only.
    await page.getByText(/^1 call, [1-9][\d,]* tokens$/).waitFor();
  });
});
