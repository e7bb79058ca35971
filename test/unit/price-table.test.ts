import assert from "node:assert/strict";
import { costOf, priceOf, priceTable, type PriceRow } from "../../functions/src/ai/price-table";
import { providers } from "../../functions/src/providers";

const usage = (inputTokens: number, outputTokens: number, thinkingTokens = 0) => ({ inputTokens, outputTokens, thinkingTokens });
// A table of the test's own, so that no figure here changes when prices (and the real table) do.
const table: PriceRow[] = [
  { provider: "openai", model: "cheap", inputUsdPerMillion: 0.1, outputUsdPerMillion: 0.5, source: "https://example.test/a", date: "2026-12-05" },
  { provider: "openai", model: "older", inputUsdPerMillion: 1, outputUsdPerMillion: 5, source: "https://example.test/b", date: "2026-11-01" },
];

describe("price table and call cost", () => {
  it("every row has a provider, positive prices, an https source and a YYYY-MM-DD date, and no model twice", () => {
    for (const row of priceTable) {
      assert.ok(providers.includes(row.provider), row.model);
      assert.ok(row.inputUsdPerMillion > 0 && row.outputUsdPerMillion > 0, row.model);
      assert.match(row.source, /^https:\/\//, row.model);
      assert.match(row.date, /^\d{4}-\d{2}-\d{2}$/, row.model);
    }
    const keys = priceTable.map((row) => `${row.provider}/${row.model}`);
    assert.equal(new Set(keys).size, keys.length);
  });

  it("has no row for OpenRouter (it reports the cost) and none for a model whose price was not confirmed", () => {
    assert.equal(priceTable.filter((row) => row.provider === "openrouter").length, 0);
    assert.equal(priceOf("googleai", "gemini-flash-latest"), undefined);
  });

  it("estimates input plus output and thinking (billed as output), labelled with the row's date", () => {
    // 10,000 in × $0.10/M + (2,000 out + 1,000 thinking) × $0.50/M = $0.001 + $0.0015
    assert.deepEqual(costOf("openai", [{ model: "cheap", usage: usage(10_000, 2_000, 1_000) }], table), { usd: 0.0025, kind: "estimate", priceDate: "2026-12-05" });
  });

  it("sums the answers of a call, dated by the oldest row used", () => {
    const cost = costOf("openai", [{ model: "cheap", usage: usage(1_000_000, 0) }, { model: "older", usage: usage(0, 1_000_000) }], table);
    assert.deepEqual(cost, { usd: 5.1, kind: "estimate", priceDate: "2026-11-01" });
  });

  it("gives no cost for a model the table does not know, rather than a guess", () => {
    assert.equal(costOf("openai", [{ model: "unknown", usage: usage(1000, 1000) }], table), undefined);
    assert.equal(costOf("openai", [{ model: "cheap", usage: usage(1, 1) }, { model: "unknown", usage: usage(1, 1) }], table), undefined);
    assert.equal(costOf("openai", [], table), undefined);
  });

  it("takes the provider's reported cost as it is, labelled reported", () => {
    assert.deepEqual(costOf("openrouter", [{ model: "openai/gpt-6-luna", usage: usage(10, 10), reportedCostUsd: 0.0125 }], table), { usd: 0.0125, kind: "reported" });
  });
});
