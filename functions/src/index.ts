import { setGlobalOptions } from "firebase-functions/v2";

setGlobalOptions({ region: "us-central1", maxInstances: 10 });

export { apiKeyStatus } from "./callables/api-key-status";
export { removeApiKey } from "./callables/remove-api-key";
export { setApiKey } from "./callables/set-api-key";
export { setDailyLimit } from "./callables/set-daily-limit";
export { generateFeedback } from "./callables/generate-feedback";
export { generateQuestions } from "./callables/generate-questions";
