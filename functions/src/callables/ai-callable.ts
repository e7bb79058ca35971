import type { z } from "zod";
import type { Progress } from "../ai/schemas";
import { requireActiveAccount } from "../platform/account-status";
import { aiRateLimitPerMinute, defaultGeminiApiKey, sharedKeyIdentitySecret } from "../config";
import { ownKeyDailyWindow } from "../keys/key-usage";
import type { Provider } from "../providers";
import { loadedOnce } from "../platform/loaded-once";
import { keyReaderServiceAccount } from "../platform/service-accounts";
import { countedAhead } from "../limits/rate-limit";
import { userCallable, type UserCall } from "./user-callable";

/** What the AI services module offers; loaded lazily, so only its type is named here. */
type AiServices = typeof import("../ai/generate-for-user.js");

/** The AI services, loaded by an instance's first AI call; later calls reuse the module, without a require. */
const aiServices = loadedOnce((): Promise<AiServices> => import("../ai/generate-for-user.js"));

/**
 * An AI callable: a user callable with App Check replay protection (every call spends money on someone's
 * key, so each App Check token buys one call), that counts the call against the per-user rate limit, then
 * loads the AI stack (Genkit and the Gemini plugin load on the first AI call of an instance, never for key
 * management) and runs `generate`. 180 s leaves room for the call's three upstream attempts of at most 25 s each.
 *
 * What does not depend on each other runs at once: one commit counts the call in its minute and in the
 * own key's day while the AI stack loads, Firebase Auth is asked whether the caller's account still may
 * act (deleted, disabled or signed out everywhere since the token: SESSION_ENDED, platform/account-status.ts), and
 * the caller's key record is read. The key is decrypted (the data-key cache, else a KMS request) only once
 * the per-minute limit has let the call through (`admitted`, caller-key.ts), so a refused call costs one
 * document read and no KMS request, and its refusal is its answer whatever else failed meanwhile; the
 * account check is awaited before anything is spent (generate-for-user.ts). The own key's daily limit (which the key's
 * record holds) is decided on the count already made (limits/rate-limit.ts, countedAhead). The day counted
 * ahead is that of the provider the call names (the web app always names the key it said would pay),
 * else Gemini's; when the key that pays turns out to be another's, that day is counted when the key is
 * known and the count made ahead is taken back. An ended session is the call's answer whatever else
 * failed meanwhile.
 */
export function aiCallable<Schema extends z.ZodType<{ provider?: Provider }>, Result>(
  schema: Schema,
  generate: (ai: AiServices, call: UserCall<z.output<Schema>, Progress> & { accountActive: Promise<void>; admitted: Promise<unknown> }) => Promise<Result>,
) {
  return userCallable<Schema, Result, Progress>(
    { secrets: [defaultGeminiApiKey, sharedKeyIdentitySecret], timeoutSeconds: 180, memory: "512MiB", consumeAppCheckToken: true, serviceAccount: keyReaderServiceAccount },
    schema,
    async (call) => {
      const accountActive = requireActiveAccount(call.uid, call.account.authTime);
      accountActive.catch(() => undefined); // awaited below, and before anything is spent
      const perMinute = { uid: call.uid, bucket: "ai", limit: aiRateLimitPerMinute.value(), windowSeconds: 60 };
      const likelyPayer = ownKeyDailyWindow(call.uid, call.input.provider ?? "googleai");
      let result: Result;
      try {
        result = await countedAhead(perMinute, [likelyPayer], async (admitted) => generate(await aiServices(), { ...call, accountActive, admitted }));
      } catch (error) {
        await accountActive;
        throw error;
      }
      await accountActive;
      return result;
    },
  );
}
