import "./redact-process-output"; // first: from here on no key reaches stdout or stderr, whoever writes it
import { setGlobalOptions } from "firebase-functions/v2";

setGlobalOptions({ region: "us-central1", maxInstances: 10 });

export { apiKeyStatus } from "./callables/api-key-status";
export { removeApiKey } from "./callables/remove-api-key";
export { setApiKey } from "./callables/set-api-key";
export { generateFeedback } from "./callables/generate-feedback";
export { generateQuestions } from "./callables/generate-questions";
