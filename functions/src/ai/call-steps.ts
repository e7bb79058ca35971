import { channel } from "node:diagnostics_channel";

/**
 * Where an AI call is on its way to the provider, published on a diagnostics channel so that a
 * measurement (`npm run bench`: the path before the provider, step by step) can follow it without
 * changing the call. Nothing is published while nobody subscribes, and a step carries only its name and
 * time: never a key, a prompt or a user id.
 *
 * - `flow`: the key is decrypted, the call counted and the account checked; the flow starts.
 * - `model`: Genkit handed the request to the user-key model; the provider's adapter is next.
 * The HTTP request to the provider is Node's own fetch, which publishes `undici:request:create`.
 */
export type AiCallStep = "flow" | "model";

export const aiCallStepChannel = "interview-ai:ai-call-step";

const steps = channel(aiCallStepChannel);

export function reachedStep(step: AiCallStep): void {
  if (steps.hasSubscribers) steps.publish({ step, at: performance.now() });
}
