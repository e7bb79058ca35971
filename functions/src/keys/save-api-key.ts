import { AppError, keyFormat } from "../errors";
import { checkKeyFormat } from "../providers";
import type { ApiKeyStatus, ApiKeyVault, Verification } from "../vault/api-key-vault";
import { countKeyCall } from "./key-call-limits";
import { withTodaysUsage } from "./key-usage";
import type { SetApiKeyInput } from "./schemas";
import { verifyKeyWithCredit } from "./verify-key";

/**
 * Saves a user's key: counts the attempt, checks the format, checks the key live with the provider
 * (unless `verify` is off), then seals and stores it. Every refusal is audited (outcome only, never the
 * key) and thrown as an AppError; nothing is stored unless every step passed, so a previous key stays.
 */
export async function saveApiKey(uid: string, { apiKey, provider, verify, expiresInDays }: SetApiKeyInput, vault: ApiKeyVault): Promise<ApiKeyStatus> {
  await countKeyCall(uid, "setApiKey");

  const format = checkKeyFormat(provider, apiKey);
  if (!format.ok) {
    await vault.audit(uid, provider, { event: "set", outcome: "rejected_format" });
    throw keyFormat(format.problem);
  }

  let verification: Verification = { state: "unverified" };
  if (verify) {
    try {
      const { state, credit } = await verifyKeyWithCredit(provider, apiKey);
      verification = { state, verifiedAt: new Date(), ...(credit ? { credit } : {}) };
    } catch (error) {
      if (error instanceof AppError) await vault.audit(uid, provider, { event: "set", outcome: refusalOutcome(error) });
      throw error;
    }
  }

  let status: ApiKeyStatus;
  try {
    status = await vault.storeApiKey(uid, provider, apiKey, verification, expiresInDays === undefined ? {} : { expiresInDays });
  } catch (error) {
    await vault.audit(uid, provider, { event: "set", outcome: "store_failed" });
    throw error;
  }
  return withTodaysUsage(uid, status);
}

function refusalOutcome(error: AppError) {
  switch (error.reason) {
    case "KEY_INVALID":
      return "rejected_by_provider" as const;
    case "KEY_NOT_PERMITTED":
      return "not_permitted" as const;
    case "MODEL_UNAVAILABLE":
      return "model_unavailable" as const;
    default:
      return "provider_unreachable" as const;
  }
}
