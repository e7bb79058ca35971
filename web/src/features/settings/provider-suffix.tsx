import { providerInfo } from "../../../../functions/src/providers";
import type { Provider } from "../../lib/callables";

/**
 * " (Gemini)", for screen readers only: every provider's card has the same buttons ("Check again",
 * "Remove key"), and out of context (a list of buttons, voice control) each name must say whose key it acts on.
 */
export function ProviderSuffix({ provider }: { provider: Provider }) {
  return <span className="visually-hidden"> ({providerInfo[provider].label})</span>;
}
