import { onCall, type CallableRequest } from "firebase-functions/v2/https";
import { z } from "zod";
import { withErrorMapping } from "../errors";
import { providers } from "../providers";
import { defaultVault } from "../vault/api-key-vault";
import { parseInput, requireUid } from "./request";

export const RemoveApiKeyInputSchema = z.object({ provider: z.enum(providers).default("googleai") }).strict();
export type RemoveApiKeyInput = z.infer<typeof RemoveApiKeyInputSchema>;

/**
 * Deletes the caller's stored key and its wrapped data key (crypto-shredding); the next AI call finds no key.
 *
 * Who: any signed-in user, for their own account only.
 * Input: `{ provider?: "googleai" }`. Result: `{ removed }`, false when there was nothing to remove (idempotent).
 * Fails: INVALID_INPUT, KEY_STORE_UNAVAILABLE.
 */
export const removeApiKey = onCall(
  withErrorMapping(async (request: CallableRequest<unknown>): Promise<{ removed: boolean }> => {
    const uid = requireUid(request);
    const { provider } = parseInput(RemoveApiKeyInputSchema, request.data);
    return { removed: await defaultVault().removeApiKey(uid, provider) };
  }),
);
