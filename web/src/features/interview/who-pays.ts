import { providers } from "../../../../functions/src/providers";
import type { ApiKeyStatuses, KeyState, Provider } from "../../lib/callables";

/**
 * Whose key an AI call will run on: one of the user's own (which provider's), or none of theirs (the
 * server then uses Interview AI's shared Gemini key where the deployment offers it, else refuses).
 */
export type Payer = { keySource: "user"; provider: Provider } | { keySource: "none" };

/** States in which the server tries a stored key before others (functions/src/vault/api-key-vault.ts). */
const usableStates: ReadonlySet<KeyState | undefined> = new Set<KeyState | undefined>(["active", "unverified", "quota_exhausted", undefined]);

/** The providers the user has a key for, in the registry's order. */
export function providersWithKey({ statuses }: Pick<ApiKeyStatuses, "statuses">): Provider[] {
  return providers.filter((provider) => statuses.some((status) => status.provider === provider && status.hasKey));
}

/**
 * Who pays when a call names no provider, as the AI callables decide it: of the keys the user has, the
 * preferred provider's and then the others in the registry's order, the first that is worth trying (not
 * known to be refused, not unreadable); failing that, the first of them, whose failure the call reports.
 */
export function defaultPayer(keys: ApiKeyStatuses): Payer {
  const { preferredProvider } = keys;
  const order = preferredProvider ? [preferredProvider, ...providers.filter((provider) => provider !== preferredProvider)] : providers;
  const withKey = order.flatMap((provider) => keys.statuses.filter((status) => status.provider === provider && status.hasKey));
  const chosen = withKey.find((status) => usableStates.has(status.state)) ?? withKey[0];
  return chosen ? { keySource: "user", provider: chosen.provider } : { keySource: "none" };
}

/** The model a call on the user's key for `provider` runs on first: their choice, else the operator's default. */
export function modelOf({ statuses }: Pick<ApiKeyStatuses, "statuses">, provider: Provider): string | undefined {
  const status = statuses.find((candidate) => candidate.provider === provider);
  return status?.model ?? status?.defaultModel;
}
