import assert from "node:assert/strict";
import { thinkingConfigFor } from "../../functions/src/provider-apis/gemini/generate";

describe("generation bounds", () => {
  it("bounds Gemini 3 (and the -latest aliases that point at it) by thinking level, 2.5 models by budget", () => {
    for (const model of ["gemini-flash-latest", "gemini-pro-latest", "gemini-3.8-flash", "gemini-3.1-pro-preview"]) {
      assert.deepEqual(thinkingConfigFor(model), { thinkingLevel: "LOW" }, model);
    }
    assert.deepEqual(thinkingConfigFor("gemini-2.5-flash-lite"), { thinkingBudget: 1_024 });
  });
});
