import { googleAI } from "@genkit-ai/google-genai";
import type { GenkitPluginV2 } from "genkit/plugin";

/**
 * Genkit's googleAI plugin as the app runs it: no key of its own (`apiKey: false`; every call brings the
 * caller's, see user-key-model.ts) and the configured origin. Its own module so that the plugin loads
 * only when ai/genkit.ts asks for it, on the first lookup of a Gemini model.
 */
export const googleAIPlugin = (baseUrl: string): GenkitPluginV2 => googleAI({ apiKey: false, baseUrl });
