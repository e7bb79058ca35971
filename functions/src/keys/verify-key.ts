import { modelFor, providerApiBaseUrl } from "../config";
import { aiUnavailable, keyInvalid, keyNotPermitted, modelUnavailable } from "../errors";
import * as logs from "../logs";
import type { KeyCheck, KeyCheckOptions } from "../provider-apis/provider-api";
import { keyCheckerFor } from "../provider-apis/registry";
import { isRetiredKeyShape, providerInfo, type Provider } from "../providers";

export type VerifiedKeyState = "active" | "quota_exhausted";

const checkTimeoutMs = 8_000;

/** The provider's endpoint and the model the app runs on for it, from the params; read per call. */
const deployedCheckOptions = (provider: Provider): KeyCheckOptions => ({
  baseUrl: providerApiBaseUrl(provider),
  model: modelFor(provider),
  timeoutMs: checkTimeoutMs,
});

/**
 * Asks `provider` about a key, without spending tokens, with the model the app runs on for that provider
 * (so a key that works but cannot use it shows up now rather than at its first use). A model the
 * provider does not serve is logged for the operator.
 */
export async function checkKey(
  provider: Provider,
  apiKey: string,
  options: KeyCheckOptions = deployedCheckOptions(provider),
): Promise<{ check: KeyCheck; model: string }> {
  const check = await (await keyCheckerFor(provider))(apiKey, options);
  if (check === "model_unavailable") logs.modelUnavailable(provider, options.model, "key_check");
  return { check, model: options.model };
}

/**
 * The check `setApiKey` makes before it stores a key: a usable key is `active`, a genuine one out of
 * quota `quota_exhausted` (still worth storing); anything else is refused with the reason to tell the user.
 */
export async function verifyKey(provider: Provider, apiKey: string, options?: KeyCheckOptions): Promise<VerifiedKeyState> {
  const { check, model } = await checkKey(provider, apiKey, options);
  const { company } = providerInfo[provider];
  switch (check) {
    case "valid":
      return "active";
    case "quota_exhausted":
      return "quota_exhausted";
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
