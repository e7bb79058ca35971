import { onCall, type CallableRequest } from "firebase-functions/v2/https";
import { z } from "zod";
import { withErrorMapping } from "../errors";
import { providers } from "../providers";
import { defaultVault, type ApiKeyStatus } from "../vault/api-key-vault";
import { parseInput, requireUid } from "./request";

export const ApiKeyStatusInputSchema = z.object({ provider: z.enum(providers).default("googleai") }).strict();
export type ApiKeyStatusInput = z.infer<typeof ApiKeyStatusInputSchema>;

/**
 * What the caller may know about their stored key: `{ status: { provider, hasKey, hint?, state?,
 * createdAt?, updatedAt?, verifiedAt?, lastUsedAt?, usageCount? } }`, times as ISO strings.
 * Never the key or its ciphertext.
 *
 * Who: any signed-in user, for their own account only. Input: `{ provider?: "googleai" }`.
 * Fails: INVALID_INPUT, KEY_STORE_UNAVAILABLE.
 */
export const apiKeyStatus = onCall(
  withErrorMapping(async (request: CallableRequest<unknown>): Promise<{ status: ApiKeyStatus }> => {
    const uid = requireUid(request);
    const { provider } = parseInput(ApiKeyStatusInputSchema, request.data);
    return { status: await defaultVault().status(uid, provider) };
  }),
);
