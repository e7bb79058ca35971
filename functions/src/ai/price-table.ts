import type { CallCost, TokenUsage } from "../contract";
import type { Provider } from "../providers";

/**
 * The one price table (issue 19): list prices in US dollars per million tokens, per provider and model,
 * each row with where the price was read and when. Data with a date, not a promise: prices change, so a
 * cost from here is always an estimate labelled with its row's date, shown only for models listed here.
 * A model whose price we could not confirm is left out rather than guessed (every Gemini model, for now:
 * docs/models-and-usage.md). OpenRouter reports each request's actual cost itself, so it needs no rows.
 *
 * Thinking tokens are billed as output by every provider here.
 */
export interface PriceRow {
  provider: Provider;
  model: string;
  inputUsdPerMillion: number;
  outputUsdPerMillion: number;
  source: string;
  /** When the price was read at `source` (YYYY-MM-DD). */
  date: string;
  note?: string;
}

export const priceTable: readonly PriceRow[] = [
  {
    provider: "openai",
    model: "gpt-6-luna",
    inputUsdPerMillion: 0.1,
    outputUsdPerMillion: 0.5,
    source: "https://developers.openai.com/ja-JP/api/docs/models/gpt-6-luna",
    date: "2026-12-05",
  },
  {
    provider: "openai",
    model: "gpt-6.1-terra",
    inputUsdPerMillion: 1,
    outputUsdPerMillion: 5,
    source: "https://developers.openai.com/zh-Hans/api/docs/models/gpt-6.1-terra",
    date: "2026-12-05",
  },
  {
    provider: "anthropic",
    model: "claude-haiku-5-5",
    inputUsdPerMillion: 0.1,
    outputUsdPerMillion: 0.5,
    source: "https://platform.claude.com/docs/en/models/haiku-5-5/overview",
    date: "2026-12-05",
    note: "prompts up to 100K tokens (ours are far below); $0.50 / $2.50 above",
  },
  {
    provider: "anthropic",
    model: "claude-haiku-4-5",
    inputUsdPerMillion: 1,
    outputUsdPerMillion: 5,
    source: "https://platform.claude.com/docs/en/about-claude/models/model-ids-and-versions",
    date: "2026-12-05",
  },
];

/** The row for a provider's model, if the table has one. */
export function priceOf(provider: Provider, model: string, table: readonly PriceRow[] = priceTable): PriceRow | undefined {
  return table.find((row) => row.provider === provider && row.model === model);
}

/** One answered request: the model that answered, the tokens it reported, and the cost the provider reported, if any. */
export interface AnsweredRequest {
  model: string;
  usage: TokenUsage;
  reportedCostUsd?: number;
}

/**
 * What a call's answered requests cost: `reported` when the provider reported every one's cost (OpenRouter);
 * else an `estimate` from the table when it has every model (dated by its oldest row); else unknown.
 */
export function costOf(provider: Provider, answers: readonly AnsweredRequest[], table: readonly PriceRow[] = priceTable): CallCost | undefined {
  if (answers.length === 0) return undefined;
  if (answers.every((answer) => answer.reportedCostUsd !== undefined)) {
    return { usd: roundUsd(answers.reduce((sum, answer) => sum + answer.reportedCostUsd!, 0)), kind: "reported" };
  }
  const rows = answers.map((answer) => priceOf(provider, answer.model, table));
  if (rows.some((row) => row === undefined)) return undefined;
  const usd = answers.reduce((sum, { usage }, index) => {
    const row = rows[index]!;
    return sum + (usage.inputTokens * row.inputUsdPerMillion + (usage.outputTokens + usage.thinkingTokens) * row.outputUsdPerMillion) / 1_000_000;
  }, 0);
  const priceDate = rows.map((row) => row!.date).sort()[0];
  return { usd: roundUsd(usd), kind: "estimate", priceDate };
}

/** To a millionth of a dollar: enough for a call of a few thousand tokens at $0.10 per million. */
export const roundUsd = (usd: number): number => Math.round(usd * 1_000_000) / 1_000_000;
