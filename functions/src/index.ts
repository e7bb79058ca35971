// Imports run in this order, each before the next.
import "./redact-process-output"; // first: from here on no key reaches stdout or stderr, whoever writes it
import "./global-options"; // before any onCall()
import { guardCallableProtocol } from "./callable-protocol-guard";
import { apiKeyStatus as apiKeyStatusCallable } from "./callables/api-key-status";
import { generateFeedback as generateFeedbackCallable } from "./callables/generate-feedback";
import { generateQuestions as generateQuestionsCallable } from "./callables/generate-questions";
import { removeApiKey as removeApiKeyCallable } from "./callables/remove-api-key";
import { setApiKey as setApiKeyCallable } from "./callables/set-api-key";
import { setDailyLimit as setDailyLimitCallable } from "./callables/set-daily-limit";
import { setPreferredProvider as setPreferredProviderCallable } from "./callables/set-preferred-provider";
import { verifyApiKey as verifyApiKeyCallable } from "./callables/verify-api-key";
import { apiKeyActivity as apiKeyActivityCallable } from "./callables/api-key-activity";

// Each callable behind the protocol check, which refuses malformed requests before firebase-functions logs them.
export const apiKeyStatus = guardCallableProtocol(apiKeyStatusCallable);
export const removeApiKey = guardCallableProtocol(removeApiKeyCallable);
export const setApiKey = guardCallableProtocol(setApiKeyCallable);
export const setDailyLimit = guardCallableProtocol(setDailyLimitCallable);
export const setPreferredProvider = guardCallableProtocol(setPreferredProviderCallable);
export const generateFeedback = guardCallableProtocol(generateFeedbackCallable);
export const generateQuestions = guardCallableProtocol(generateQuestionsCallable);
export const verifyApiKey = guardCallableProtocol(verifyApiKeyCallable);
export const apiKeyActivity = guardCallableProtocol(apiKeyActivityCallable);

// Not callables: the scheduled re-wrap and expiry jobs and the Auth trigger, exported as they are.
export { rewrapApiKeys } from "./jobs/rewrap-api-keys";
export { deleteExpiredApiKeys } from "./jobs/delete-expired-api-keys";
export { deleteUserKeyData } from "./jobs/delete-user-key-data";
