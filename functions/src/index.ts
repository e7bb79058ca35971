import { setGlobalOptions } from "firebase-functions/v2";

setGlobalOptions({ region: "us-central1", maxInstances: 10 });

export { apiKeyStatus } from "./callables/api-key-status";
export { removeApiKey } from "./callables/remove-api-key";
export { setApiKey } from "./callables/set-api-key";
export { generateFeedback } from "./callables/generate-feedback";
export { generateQuestions } from "./callables/generate-questions";
export { verifyApiKey } from "./callables/verify-api-key";
export { apiKeyActivity } from "./callables/api-key-activity";
export { rewrapApiKeys } from "./jobs/rewrap-api-keys";
export { deleteExpiredApiKeys } from "./jobs/delete-expired-api-keys";
export { deleteUserKeyData } from "./jobs/delete-user-key-data";
