import { modelFor, providerApiBaseUrl } from "../config";
import { aiUnavailable, keyInvalid, keyNotPermitted, modelUnavailable } from "../errors";
import * as logs from "../logs";
import type { KeyCheck, KeyCheckOptions, KeyCredit } from "../provider-apis/provider-api";
import { keyCheckerFor } from "../provider-apis/registry";
import { isRetiredKeyShape, providerInfo, type Provider } from "../providers";

export type VerifiedKeyState = "active" | "quota_exhausted";

const checkTimeoutMs = 8_000;

/**
 * The provider's endpoint, from the params (read per call), and the bound on any question about a key
 * (a check, or its model list); the model is the one the app runs on for the provider unless named.
 */
export const deployedCheckOptions = (provider: Provider, model = modelFor(provider)): KeyCheckOptions => ({
  baseUrl: providerApiBaseUrl(provider),
  model,
  timeoutMs: checkTimeoutMs,
});

/**
 * Asks `provider` about a key, without spending tokens, with the model the app runs on for that provider
 * (so a key that works but cannot use it shows up now rather than at its first use). A model the
 * provider does not serve is logged for the operator. `credit`: the key's credit, when the provider
 * reports it with its answer (OpenRouter).
 */
export async function checkKey(
  provider: Provider,
  apiKey: string,
  options: KeyCheckOptions = deployedCheckOptions(provider),
): Promise<{ check: KeyCheck; model: string; credit?: KeyCredit }> {
  let credit: KeyCredit | undefined;
  const check = await (await keyCheckerFor(provider))(apiKey, {
    ...options,
    onCredit: (reported) => {
      credit = reported;
      options.onCredit?.(reported);
    },
  });
  if (check === "model_unavailable") logs.modelUnavailable(provider, options.model, "key_check");
  return { check, model: options.model, ...(credit ? { credit } : {}) };
}

/**
 * The key's credit as its provider reports it now, for a provider that does (OpenRouter): asked after
 * each AI call made with the key, so Settings shows what the call left. Undefined for the others, or
 * when the provider did not describe the key (no answer, refused): the stored figure then stays.
 */
export async function currentKeyCredit(provider: Provider, apiKey: string): Promise<KeyCredit | undefined> {
  if (!providerInfo[provider].reportsCredit) return undefined;
  return (await checkKey(provider, apiKey)).credit;
}

/**
 * The check `setApiKey` makes before it stores a key: a usable key is `active`, a genuine one out of
 * quota `quota_exhausted` (still worth storing); anything else is refused with the reason to tell the user.
 */
export async function verifyKey(provider: Provider, apiKey: string, options?: KeyCheckOptions): Promise<VerifiedKeyState> {
  return (await verifyKeyWithCredit(provider, apiKey, options)).state;
}

/** verifyKey, and the key's credit when the provider reported it (OpenRouter). */
export async function verifyKeyWithCredit(provider: Provider, apiKey: string, options?: KeyCheckOptions): Promise<{ state: VerifiedKeyState; credit?: KeyCredit }> {
  const { check, model, credit } = await checkKey(provider, apiKey, options);
  const { company } = providerInfo[provider];
  const withCredit = credit ? { credit } : {};
  switch (check) {
    case "valid":
      return { state: "active", ...withCredit };
    case "quota_exhausted":
      return { state: "quota_exhausted", ...withCredit };
    case "rejected_by_provider":
      throw keyInvalid(provider, "saving", isRetiredKeyShape(provider, apiKey));
    case "not_permitted":
      throw keyNotPermitted(provider, "saving");
    case "model_unavailable":
      throw modelUnavailable(provider, model, "saving");
    case "no_answer":
      throw aiUnavailable(`Could not reach ${company} to check this key. Nothing was saved; try again in a moment.`);
    case "unreachable":
      throw aiUnavailable(`${company} could not check this key right now. Nothing was saved; try again in a moment.`);
  }
}
