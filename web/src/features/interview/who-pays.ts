import { providers } from "../../../../functions/src/providers";
import type { ApiKeyStatus, ApiKeyStatuses, Provider } from "../../lib/callables";

/**
 * Whose key an AI call will run on: one of the user's own (which provider's), or none of theirs (the
 * server then uses Interview AI's shared Gemini key where the deployment offers it, else refuses).
 */
export type Payer = { keySource: "user"; provider: Provider } | { keySource: "none" };

/** A stored key the server would try: saved, not expired (those read as no key) and not unreadable. */
export function isUsable(status: ApiKeyStatus): boolean {
  return status.hasKey && status.state !== "unreadable";
}

/** The providers with a usable key, in the registry's order. */
export function usableProviders({ statuses }: Pick<ApiKeyStatuses, "statuses">): Provider[] {
  return providers.filter((provider) => statuses.some((status) => status.provider === provider && isUsable(status)));
}

/**
 * Who pays when a call names no provider, as the AI callables decide it: the preferred provider when its
 * key is usable, else the first provider (registry order) with a usable key.
 */
export function defaultPayer(keys: ApiKeyStatuses): Payer {
  const usable = usableProviders(keys);
  const provider = keys.preferredProvider && usable.includes(keys.preferredProvider) ? keys.preferredProvider : usable[0];
  return provider ? { keySource: "user", provider } : { keySource: "none" };
}
