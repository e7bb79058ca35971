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
    /** Treat the key as removed this many days after saving it; absent = never. */
    expiresInDays: z.number().int().min(1).max(365).optional(),
  })
  .strict();
export type SetApiKeyInput = z.infer<typeof SetApiKeyInputSchema>;

/** `verifyApiKey`: which provider's key. */
export const ProviderInputSchema = z.object({ provider }).strict();
export type ProviderInput = z.infer<typeof ProviderInputSchema>;

/** `apiKeyStatus`: one provider's status, or without `provider` every provider's (and the preferred one). */
export const ApiKeyStatusInputSchema = z.object({ provider: z.enum(providers).optional() }).strict();
export type ApiKeyStatusInput = z.infer<typeof ApiKeyStatusInputSchema>;

/** `removeApiKey`: one provider's key, or `"all"` of the user's keys at once. */
export const RemoveApiKeyInputSchema = z.object({ provider: z.enum([...providers, "all"]).default("googleai") }).strict();
export type RemoveApiKeyInput = z.infer<typeof RemoveApiKeyInputSchema>;

/** `setPreferredProvider`: the provider AI calls use when they name none; null clears the choice. */
export const SetPreferredProviderInputSchema = z.object({ provider: z.enum(providers).nullable() }).strict();
export type SetPreferredProviderInput = z.infer<typeof SetPreferredProviderInputSchema>;

/** `apiKeyActivity`: which provider's key, and how many of its most recent events. */
export const ApiKeyActivityInputSchema = z
  .object({
    provider,
    limit: z.number().int().min(1).max(50).default(20),
  })
  .strict();
export type ApiKeyActivityInput = z.infer<typeof ApiKeyActivityInputSchema>;

/** `setDailyLimit`: a whole number of AI calls a UTC day on one's own key, or null for no limit. */
export const SetDailyLimitInputSchema = z
  .object({
    provider,
    dailyLimit: z.number().int().min(dailyLimitRange.min).max(dailyLimitRange.max).nullable(),
  })
  .strict();
export type SetDailyLimitInput = z.infer<typeof SetDailyLimitInputSchema>;

/** `apiKeyModels`: which provider's key (no default: the caller names the card they opened). */
export const ApiKeyModelsInputSchema = z.object({ provider: z.enum(providers) }).strict();
export type ApiKeyModelsInput = z.infer<typeof ApiKeyModelsInputSchema>;

/** A provider's model id as the APIs spell them: "gemini-flash-latest", "openai/gpt-6-luna", "claude-haiku-5-5". */
export const modelIdPattern = /^[A-Za-z0-9._:/-]{1,100}$/;

/** `setModel`: the model the key's AI calls run on first, or null for the operator's default. */
export const SetModelInputSchema = z
  .object({
    provider: z.enum(providers),
    model: z.string().regex(modelIdPattern).nullable(),
  })
  .strict();
export type SetModelInput = z.infer<typeof SetModelInputSchema>;
