import type { ApiKeyStatus } from "../contract";
import { keyMissing } from "../errors";
import * as logs from "../logs";
import type { ApiKeyVault } from "../vault/api-key-vault";
import { countKeyCall } from "./key-call-limits";
import { withTodaysUsage } from "./key-usage";
import type { SetDailyLimitInput } from "./schemas";

/**
 * Sets or clears the user's daily limit on AI calls with their own key, and returns the status with
 * today's count. The limit lives with the stored key (kept when the key is replaced, gone when it is
 * removed), so without a key there is nothing to limit: KEY_MISSING.
 */
export async function setDailyLimit(uid: string, { provider, dailyLimit }: SetDailyLimitInput, vault: ApiKeyVault): Promise<ApiKeyStatus> {
  await countKeyCall(uid, "setDailyLimit");
  const status = await vault.setDailyLimit(uid, provider, dailyLimit);
  if (!status) throw keyMissing();
  logs.dailyLimitSet(uid, provider, dailyLimit);
  return withTodaysUsage(uid, status);
}
