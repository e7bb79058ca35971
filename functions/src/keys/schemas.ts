import { z } from "zod";
import { providers } from "../providers";
import { dailyLimitRange } from "./daily-limit-range";

/** The key callables' inputs. Plain zod, shared by the callables and their tests. */

const provider = z.enum(providers).default("googleai");

export const SetApiKeyInputSchema = z
  .object({
    apiKey: z.string().max(512).transform((key) => key.trim()),
    provider,
    verify: z.boolean().default(true),
  })
  .strict();
export type SetApiKeyInput = z.infer<typeof SetApiKeyInputSchema>;

/** `removeApiKey` and `apiKeyStatus`: which provider's key. */
export const ProviderInputSchema = z.object({ provider }).strict();
export type ProviderInput = z.infer<typeof ProviderInputSchema>;

/** `setDailyLimit`: a whole number of AI calls a UTC day on one's own key, or null for no limit. */
export const SetDailyLimitInputSchema = z
  .object({
    provider,
    dailyLimit: z.number().int().min(dailyLimitRange.min).max(dailyLimitRange.max).nullable(),
  })
  .strict();
export type SetDailyLimitInput = z.infer<typeof SetDailyLimitInputSchema>;
