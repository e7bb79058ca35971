import { providerInfo } from "../../../../functions/src/providers";
import type { AnsweredBy, Provider } from "../../lib/callables";

/**
 * What Practice says about the model that answered, when there is something to say (issue 19): which
 * model answered in place of the first choice and why, e.g. "Answered by gemini-flash-lite-latest
 * (gemini-flash-latest was busy)." A retired model the user had chosen is explained once: only the result
 * of the call that cleared the choice says `choiceCleared`. Nothing when the first choice answered.
 */
export function answeredByNotice(provider: Provider, answered: Partial<AnsweredBy>): string | undefined {
  const from = answered.fallbackFrom;
  if (!answered.fallback || !from || !answered.model) return undefined;
  if (from.why === "retired" && from.choiceCleared) {
    return `${from.model} was retired by ${providerInfo[provider].company}; your choice was cleared and the default is used now. Answered by ${answered.model}.`;
  }
  return `Answered by ${answered.model} (${from.model} was ${from.why === "busy" ? "busy" : "retired"}).`;
}
