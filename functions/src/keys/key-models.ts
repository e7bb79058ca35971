import type { Firestore } from "firebase-admin/firestore";
import { modelFor } from "../config";
import type { ApiKeyModels, ApiKeyStatus, ModelOption } from "../contract";
import { AppError, aiUnavailable, keyInvalid, keyMissing, keyNotPermitted, modelUnavailable, quotaExceeded } from "../errors";
import { firestore } from "../platform/admin";
import type { KeyCheck, ListedModel } from "../provider-apis/provider-api";
import { keyCheckerFor, modelListerFor } from "../provider-apis/registry";
import { providerInfo, type Provider } from "../providers";
import { priceOf, type PriceRow } from "../ai/price-table";
import type { ApiKeyVault } from "../vault/api-key-vault";
import { readKeyModelSettings, storeModelList } from "../vault/model-settings";
import { withTodaysUsage } from "./key-usage";
import { deployedCheckOptions } from "./verify-key";

/**
 * The user's model choice: the models their key can use for this app (apiKeyModels) and the one its AI
 * calls run on first (setModel). Which models each provider's list keeps: provider-apis/<provider>/list-models.ts.
 */

/**
 * After the operator's default, the models shown first for each provider: a cheap fast one and a strong
 * one of the current line (docs/providers.md, "Model lists"). Only those the key's list holds are shown.
 */
export const recommendedModels: Record<Provider, readonly string[]> = {
  googleai: ["gemini-flash-latest", "gemini-flash-lite-latest", "gemini-pro-latest"],
  openai: ["gpt-6-luna", "gpt-6.1-terra"],
  anthropic: ["claude-haiku-5-5", "claude-sonnet-5-5"],
  openrouter: ["openai/gpt-6-luna", "google/gemini-3.8-flash", "anthropic/claude-haiku-5.5"],
};

/**
 * The key's models as Settings lists them: the operator's default first, then the recommended ones (each
 * noted "recommended"), then the rest in the provider's order. Only models the list holds; no duplicates.
 */
export function orderModels(listed: readonly ListedModel[], defaultModel: string, recommended: readonly string[]): ModelOption[] {
  const byId = new Map<string, ListedModel>();
  for (const model of listed) if (!byId.has(model.id)) byId.set(model.id, model);
  const first = [defaultModel, ...recommended].filter((id, index, ids) => byId.has(id) && ids.indexOf(id) === index);
  const rest = [...byId.keys()].filter((id) => !first.includes(id));
  return [
    ...first.map((id) => ({ id, label: byId.get(id)!.label, note: "recommended" })),
    ...rest.map((id) => ({ id, label: byId.get(id)!.label })),
  ];
}

/**
 * The models with what each costs where the price table knows it, added as they are handed out rather than
 * cached with the list, so a new row of the table shows at once: "recommended · $0.10 / $0.50 per M tokens
 * (list price, 2026-12-05)".
 */
export function withPriceNotes(provider: Provider, models: readonly ModelOption[], price: (model: string) => PriceRow | undefined = (model) => priceOf(provider, model)): ModelOption[] {
  return models.map((option) => {
    const row = price(option.id);
    if (!row) return option;
    const cost = `$${row.inputUsdPerMillion} / $${row.outputUsdPerMillion} per M tokens (list price, ${row.date})`;
    return { ...option, note: option.note ? `${option.note} · ${cost}` : cost };
  });
}

/** What the model choice reaches beyond its inputs; the callables pass nothing and get the deployed ones. */
export interface KeyModelsDeps {
  db: Firestore;
  vault: Pick<ApiKeyVault, "readApiKey" | "status" | "storeModelChoice">;
  now: () => Date;
}

const deployedDeps = (vault: KeyModelsDeps["vault"]): KeyModelsDeps => ({ db: firestore(), vault, now: () => new Date() });

/** The failure a listing or a check of the key becomes, for the user; undefined when the key may be used. */
function failureOf(provider: Provider, check: KeyCheck, model: string | undefined): AppError | undefined {
  const { company } = providerInfo[provider];
  switch (check) {
    case "valid":
    case "quota_exhausted": // genuine; choosing a model spends nothing
      return undefined;
    case "model_unavailable":
      return model ? modelUnavailable(provider, model, "choosing") : aiUnavailable(`${company} could not list your key's models right now. Nothing was changed; try again in a moment.`);
    case "rejected_by_provider":
      return keyInvalid(provider, "using");
    case "not_permitted":
      return keyNotPermitted(provider, "checking");
    case "no_answer":
      return aiUnavailable(`Could not reach ${company} to check your key's models. Nothing was changed; try again in a moment.`);
    case "unreachable":
      return aiUnavailable(`${company} could not check your key's models right now. Nothing was changed; try again in a moment.`);
  }
}

/**
 * The key's filtered, ordered list: the cached one while fresh, otherwise read from the provider with the
 * key (`readKey`: the one a caller already decrypted, else read now) and cached.
 */
async function modelsOfKey(
  uid: string,
  provider: Provider,
  deps: KeyModelsDeps,
  readKey = () => deps.vault.readApiKey(uid, provider),
): Promise<{ models: ModelOption[]; keyId: string; model: string | null }> {
  const settings = await readKeyModelSettings(deps.db, uid, provider, deps.now());
  if (!settings) throw keyMissing(provider);
  if (settings.cachedModels) return { models: settings.cachedModels, keyId: settings.keyId, model: settings.model };
  const key = await readKey();
  if (!key) throw keyMissing(provider);
  const listing = await (await modelListerFor(provider))(key.apiKey, deployedCheckOptions(provider));
  if ("failure" in listing) {
    // A 429 for quota still proves the key, but there is no list to show.
    throw failureOf(provider, listing.failure, undefined) ?? quotaExceeded(provider);
  }
  const models = orderModels(listing.models, modelFor(provider), recommendedModels[provider]);
  await storeModelList(deps.db, uid, provider, key.keyId, models, deps.now());
  return { models, keyId: key.keyId, model: key.model ?? null };
}

/** `apiKeyModels`: the key's models, the owner's choice and the operator's default. KEY_MISSING without a key. */
export async function keyModels(uid: string, provider: Provider, vault: KeyModelsDeps["vault"], deps = deployedDeps(vault)): Promise<ApiKeyModels> {
  const { models, model } = await modelsOfKey(uid, provider, deps);
  return { models: withPriceNotes(provider, models), selected: model, default: modelFor(provider) };
}

/**
 * `setModel`: checks live that the key can use `model` (the key check a save makes, with that model) and
 * that it is one of the key's listed models, then stores it on the key's record; null goes back to the
 * operator's default (no provider call). Resolves to the key's status.
 */
export async function chooseModel(uid: string, provider: Provider, model: string | null, vault: KeyModelsDeps["vault"], deps = deployedDeps(vault)): Promise<ApiKeyStatus> {
  let keyId: string;
  if (model === null) {
    const settings = await readKeyModelSettings(deps.db, uid, provider, deps.now());
    if (!settings) throw keyMissing(provider);
    keyId = settings.keyId;
  } else {
    const key = await deps.vault.readApiKey(uid, provider);
    if (!key) throw keyMissing(provider);
    keyId = key.keyId;
    const check = await (await keyCheckerFor(provider))(key.apiKey, deployedCheckOptions(provider, model));
    const failure = failureOf(provider, check, model);
    if (failure) throw failure;
    // The key check asks about the model alone; the list says whether it gives structured answers (and is
    // OpenRouter's only word on the model: its key check describes the key).
    const listed = await modelsOfKey(uid, provider, deps, () => Promise.resolve(key));
    if (listed.keyId !== keyId) throw keyChanged(provider);
    if (!listed.models.some((option) => option.id === model)) throw modelUnavailable(provider, model, "choosing");
  }
  const written = await deps.vault.storeModelChoice(uid, provider, keyId, model);
  if (written === "key_missing") throw keyMissing(provider);
  if (written === "key_changed") throw keyChanged(provider);
  return withTodaysUsage(uid, await deps.vault.status(uid, provider));
}

/** The key was replaced while its model was being checked: the choice belonged to the old key. */
const keyChanged = (provider: Provider) =>
  new AppError("KEY_MISSING", `Your ${providerInfo[provider].label} key was replaced while the model was being checked, so nothing was chosen. Choose the model again.`, {
    action: "settings",
    provider,
  });
