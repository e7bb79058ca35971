import { providerInfo } from "../../../../functions/src/providers";
import type { Practice } from "./history-store";

/** How History names a practice's parts. */

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
export const formatDate = (date: Date) => dateTime.format(date);

export const typeLabel = (type: Practice["interviewType"]) => (type ? `${type[0].toUpperCase()}${type.slice(1)} interview` : "Interview");

/** "Gemini · gemini-flash-latest" */
export const producedByLabel = (provider: Practice["provider"], model: string) => `${providerInfo[provider]?.label ?? provider} · ${model}`;
