import { z } from "zod";
import { providers } from "../providers";

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
