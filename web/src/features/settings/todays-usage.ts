import type { ApiKeyStatus } from "../../lib/callables";

/** "12 of 30 today", or "12 today" without a limit; undefined when the server sent no count. */
export function todaysUsage(status: ApiKeyStatus): string | undefined {
  if (status.callsToday === undefined) return undefined;
  return status.dailyLimit === undefined ? `${status.callsToday} today` : `${status.callsToday} of ${status.dailyLimit} today`;
}

const wholeNumber = new Intl.NumberFormat("en-US");

/** "$0.04"; below a cent, "less than $0.01". */
function dollars(usd: number): string {
  return usd < 0.005 ? "less than $0.01" : `$${usd.toFixed(2)}`;
}

/**
 * "12 calls, 38,400 tokens, about $0.04": today's calls with the key, their tokens (input, output and
 * thinking) and cost where it is known. An estimate (the app's price table) says "about" and, in
 * `costNote`, the date of its prices; OpenRouter's own figure says "reported by OpenRouter".
 * Undefined when the server sent no count.
 */
export function todaysTokens(status: ApiKeyStatus): { text: string; costNote?: string } | undefined {
  if (status.callsToday === undefined) return undefined;
  const calls = `${wholeNumber.format(status.callsToday)} ${status.callsToday === 1 ? "call" : "calls"}`;
  const tokens = status.tokensToday ? status.tokensToday.inputTokens + status.tokensToday.outputTokens + status.tokensToday.thinkingTokens : 0;
  const parts = [calls, `${wholeNumber.format(tokens)} tokens`];
  const cost = status.costToday;
  if (!cost) return { text: parts.join(", ") };
  if (cost.kind === "reported") return { text: [...parts, dollars(cost.usd)].join(", "), costNote: "as reported by OpenRouter" };
  return { text: [...parts, `about ${dollars(cost.usd)}`].join(", "), costNote: `an estimate from list prices of ${cost.priceDate ?? "an earlier date"}` };
}
